import { LynxError, type ErrorCode } from '@lynx/schema';

/**
 * A service answered with an error: the console passes its status, code and message on unchanged,
 * so the page shows what the service said (a reader's 403 stays a 403).
 */
export class ServiceError extends LynxError {
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(code as ErrorCode, message, status, details);
  }
}
