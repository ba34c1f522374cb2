import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

export class VersionNotFoundError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.versionNotFound, message, 404, details);
  }
}
