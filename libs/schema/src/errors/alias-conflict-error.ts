import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** Compare-and-set failed: the alias no longer points at expected_digest. */
export class AliasConflictError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.aliasConflict, message, 409, details);
  }
}
