import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** Per-item eval outcomes (or a bucket's item list) name the same item twice: which one counts is unknowable. */
export class DuplicateEvalItemError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.duplicateEvalItem, message, 400, details);
  }
}
