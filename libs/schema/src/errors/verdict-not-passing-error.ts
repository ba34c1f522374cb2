import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** Recomputed from its per-item outcomes against the registered baseline, the verdict does not pass. */
export class VerdictNotPassingError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.verdictNotPassing, message, 409, details);
  }
}
