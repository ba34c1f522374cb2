import type { ErrorCode } from '../error-codes';

/**
 * Base of every named error. Carries the HTTP status and stable code that the
 * platform's exception filter turns into `{error: {code, message, details}}`,
 * and that the CLI turns into an exit code and a message.
 */
export class LynxError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status = 400,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
