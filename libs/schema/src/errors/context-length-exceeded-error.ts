import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** The input is longer than the model reads (OpenAI's code for the same case). */
export class ContextLengthExceededError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.contextLengthExceeded, message, 400, details);
  }
}
