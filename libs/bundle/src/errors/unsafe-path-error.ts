import { ERROR_CODES, LynxError } from '@lynx/schema';

/** Which rule of `validateBundlePath` a path broke; part of the error details so clients can tell them apart. */
export type UnsafePathRule =
  | 'not_a_string'
  | 'empty'
  | 'too_long'
  | 'segment_too_long'
  | 'control_character'
  | 'backslash'
  | 'absolute'
  | 'percent_encoded'
  | 'not_nfc'
  | 'invalid_utf8'
  | 'empty_segment'
  | 'dot_segment'
  | 'dot_dot_segment'
  | 'file_is_also_directory';

/** A bundle path that could escape the bundle root or mean different files on different systems. */
export class UnsafePathError extends LynxError {
  constructor(
    readonly path: string,
    readonly rule: UnsafePathRule,
    reason: string,
  ) {
    super(ERROR_CODES.unsafePath, `unsafe bundle path ${JSON.stringify(path)}: ${reason}`, 400, { path, rule });
  }
}
