import type { ErrorCode } from '../error-codes';
import { LynxError } from './lynx-error';

/**
 * An OIDC ID token presented as a bearer token was refused (401). The code says which check failed
 * (oidc_wrong_issuer, oidc_expired, oidc_pull_request_refused, …) so CI logs say what to fix.
 */
export class OidcTokenRejectedError extends LynxError {
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(code, message, 401, details);
  }
}
