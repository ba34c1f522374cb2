import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** A service this one depends on (registry, model server) could not be reached or failed. */
export class UpstreamUnavailableError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.upstreamUnavailable, message, 502, details);
  }
}
