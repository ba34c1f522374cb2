import { ERROR_CODES, LynxError } from '@lynx/schema';

/** The folder (or file) to digest does not exist or is not a directory. */
export class BundleNotFoundError extends LynxError {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(ERROR_CODES.notFound, `${path}: ${reason}`, 404, { path });
  }
}
