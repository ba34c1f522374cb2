import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** Not a semver of the form vMAJOR.MINOR.PATCH[-pre], or a -dev semver where it is not allowed. */
export class InvalidSemverError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.invalidSemver, message, 400, details);
  }
}
