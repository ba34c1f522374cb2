import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** The store behind a worker lost its state (Redis restarted empty); it is being rebuilt from the stream. */
export class StoreStateLostError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.storeStateLost, message, 503, details);
  }
}
