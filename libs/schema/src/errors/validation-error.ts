import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

export class ValidationError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.validationFailed, message, 400, details);
  }
}
