import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

export class UnauthorizedError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.unauthorized, message, 401, details);
  }
}
