import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** A role that is not one of ROLES (a token created for it could never be authorised). */
export class UnknownRoleError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.unknownRole, message, 400, details);
  }
}
