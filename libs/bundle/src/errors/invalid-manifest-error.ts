import { ERROR_CODES, LynxError } from '@lynx/schema';

/** A manifest whose shape is wrong: not a list, an entry without path/size/digest, a bad size. */
export class InvalidManifestError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.invalidManifest, `invalid manifest: ${message}`, 400, details);
  }
}
