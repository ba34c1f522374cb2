import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** A manifest names blobs the registry does not hold; details.missing lists them. */
export class MissingBlobsError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.missingBlobs, message, 400, details);
  }
}
