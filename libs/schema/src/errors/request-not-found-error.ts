import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** Feedback named a request id the router does not know (never answered, or long forgotten). */
export class RequestNotFoundError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.requestNotFound, message, 404, details);
  }
}
