import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

export class NotFoundError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.notFound, message, 404, details);
  }
}
