import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** A plan change would alter the horizon of a running A/B; re-sizing it mid-test would inflate its errors. */
export class AbHorizonFixedError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.abHorizonFixed, message, 409, details);
  }
}
