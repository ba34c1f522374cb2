import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** A model or adapter of that name is already being served. */
export class ModelAlreadyLoadedError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.modelAlreadyLoaded, message, 409, details);
  }
}
