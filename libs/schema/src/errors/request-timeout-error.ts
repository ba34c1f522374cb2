import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** The request (or its body) did not arrive in time. */
export class RequestTimeoutError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.requestTimeout, message, 408, details);
  }
}
