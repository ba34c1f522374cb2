import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** An adapter names a base model (by digest) that the server has not loaded. */
export class AdapterBaseNotLoadedError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.adapterBaseNotLoaded, message, 400, details);
  }
}
