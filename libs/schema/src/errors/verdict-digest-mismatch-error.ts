import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** A verdict offered for a promotion was measured on another candidate (code digest_mismatch, 409). */
export class VerdictDigestMismatchError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.digestMismatch, message, 409, details);
  }
}
