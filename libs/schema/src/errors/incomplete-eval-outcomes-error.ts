import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** The candidate's outcomes do not cover every item of the baseline: a paired comparison needs them all. */
export class IncompleteEvalOutcomesError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.incompleteEvalOutcomes, message, 409, details);
  }
}
