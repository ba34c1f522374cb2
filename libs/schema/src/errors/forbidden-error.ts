import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

export class ForbiddenError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.forbidden, message, 403, details);
  }
}
