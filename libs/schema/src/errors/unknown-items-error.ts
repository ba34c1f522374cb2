import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** Per-item outcomes name items that are not in the eval set; nothing was stored. */
export class UnknownItemsError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.unknownItems, message, 400, details);
  }
}
