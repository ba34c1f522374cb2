import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** Per-item outcomes do not cover every item of the registered baseline; nothing was stored. */
export class MissingItemsError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.missingItems, message, 400, details);
  }
}
