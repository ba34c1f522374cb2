import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** A production promote needs a passing gate verdict for that digest. */
export class VerdictRequiredError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.verdictRequired, message, 409, details);
  }
}
