import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** Per-item outcomes name an item more than once; nothing was stored. */
export class DuplicateItemsError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.duplicateItems, message, 400, details);
  }
}
