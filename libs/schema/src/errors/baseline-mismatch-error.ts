import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** The verdict was computed against a baseline that is not the model's current registered one. */
export class BaselineMismatchError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.baselineMismatch, message, 409, details);
  }
}
