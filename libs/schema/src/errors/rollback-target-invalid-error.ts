import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** The rollback target was never production, is production now, or there is none. */
export class RollbackTargetInvalidError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.rollbackTargetInvalid, message, 409, details);
  }
}
