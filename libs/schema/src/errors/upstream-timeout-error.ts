import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** A service this one depends on (a model server behind the router) did not answer in time. */
export class UpstreamTimeoutError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.upstreamTimeout, message, 504, details);
  }
}
