import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** A NUL character in a path, query or JSON string: no stored text may hold one. */
export class NulByteError extends LynxError {
  constructor(where: string) {
    super(ERROR_CODES.nulByte, `the ${where} contains a NUL character (\\u0000): remove it`, 400, { where });
  }
}
