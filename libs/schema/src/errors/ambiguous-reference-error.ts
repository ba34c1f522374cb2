import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** A digest prefix matches more than one version; details.matches lists them. */
export class AmbiguousReferenceError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.ambiguousReference, message, 409, details);
  }
}
