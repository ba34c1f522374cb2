import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** Too many tags, or a tag key or value over its size limit. */
export class TagLimitExceededError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.tagLimitExceeded, message, 400, details);
  }
}
