import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** The model has no registered baseline, so no verdict can be checked: register one with `lynx baseline update`. */
export class BaselineRequiredError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.baselineRequired, message, 409, details);
  }
}
