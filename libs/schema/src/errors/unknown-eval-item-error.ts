import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** Outcomes (or a bucket) name an item the baseline never measured: they belong to another eval set. */
export class UnknownEvalItemError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.unknownEvalItem, message, 409, details);
  }
}
