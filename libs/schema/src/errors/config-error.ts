import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** Invalid configuration found at start; the message names the variable and what is allowed. */
export class ConfigError extends LynxError {
  constructor(message: string, details?: unknown) {
    super(ERROR_CODES.invalidConfig, message, 500, details);
  }
}
