import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** The bytes received do not hash to the digest they were sent under; nothing was kept. */
export class DigestMismatchError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.digestMismatch, message, 400, details);
  }
}
