import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

export class PayloadTooLargeError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.payloadTooLarge, message, 413, details);
  }
}
