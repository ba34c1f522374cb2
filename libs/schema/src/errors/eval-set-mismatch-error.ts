import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** The eval set on disk is not the one the baseline was measured on: no comparison is meaningful. */
export class EvalSetMismatchError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.evalSetMismatch, message, 409, details);
  }
}
