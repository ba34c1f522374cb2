import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/**
 * A traffic plan puts a version in front of users (canary, A/B or blue/green arm) that has no
 * passing gate verdict; details name the arms. Run the gate on it first, or (admin) override
 * with a reason, which the audit records.
 */
export class ArmWithoutPassingVerdictError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.armWithoutPassingVerdict, message, 409, details);
  }
}
