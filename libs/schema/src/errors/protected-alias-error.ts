import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** `production` moves only through promote and rollback. */
export class ProtectedAliasError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.protectedAlias, message, 409, details);
  }
}
