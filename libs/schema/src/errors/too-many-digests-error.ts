import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** A read by a list of digests named more than the route answers in one request. */
export class TooManyDigestsError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.tooManyDigests, message, 400, details);
  }
}
