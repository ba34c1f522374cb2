import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

export class ConflictError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.conflict, message, 409, details);
  }
}
