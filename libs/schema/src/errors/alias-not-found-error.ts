import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

export class AliasNotFoundError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.aliasNotFound, message, 404, details);
  }
}
