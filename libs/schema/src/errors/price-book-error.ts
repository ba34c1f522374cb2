import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** The cost emitter's price book (lynx.prices.yaml) is invalid; the message names the file and line. */
export class PriceBookError extends LynxError {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number | undefined,
    details?: unknown,
  ) {
    super(ERROR_CODES.invalidPriceBook, message, 500, details);
  }
}
