import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

export class ModelNotFoundError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.modelNotFound, message, 404, details);
  }
}
