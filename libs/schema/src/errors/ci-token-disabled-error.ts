import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** A long-lived `ci` bearer token with LYNX_ENV=prod: CI must present its OIDC token (or LYNX_ALLOW_CI_TOKENS=true). */
export class CiTokenDisabledError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.ciTokenDisabled, message, 401, details);
  }
}
