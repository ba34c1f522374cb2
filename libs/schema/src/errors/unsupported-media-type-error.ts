import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

export class UnsupportedMediaTypeError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.unsupportedMediaType, message, 415, details);
  }
}
