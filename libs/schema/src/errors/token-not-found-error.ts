import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** No token of that name in the tokens file (nothing to revoke). */
export class TokenNotFoundError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.tokenNotFound, message, 404, details);
  }
}
