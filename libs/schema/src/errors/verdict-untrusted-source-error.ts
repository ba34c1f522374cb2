import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** The verdict was not recorded by the measured path (the gate service or an OIDC-verified CI workflow). */
export class VerdictUntrustedSourceError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.verdictUntrustedSource, message, 409, details);
  }
}
