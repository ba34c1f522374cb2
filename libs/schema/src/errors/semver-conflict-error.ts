import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** The semver is taken in this model, or is not greater than an earlier one. */
export class SemverConflictError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.semverConflict, message, 409, details);
  }
}
