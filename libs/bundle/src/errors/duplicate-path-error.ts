import { ERROR_CODES, LynxError } from '@lynx/schema';

/** A manifest lists the same path twice, so it names two contents for one file. */
export class DuplicatePathError extends LynxError {
  constructor(readonly path: string) {
    super(ERROR_CODES.duplicatePath, `manifest lists the path ${JSON.stringify(path)} more than once`, 400, { path });
  }
}
