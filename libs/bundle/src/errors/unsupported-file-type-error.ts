import { ERROR_CODES, LynxError } from '@lynx/schema';

/** A bundle holds something that is neither a regular file nor a directory (socket, FIFO, device). */
export class UnsupportedFileTypeError extends LynxError {
  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(
      ERROR_CODES.unsupportedFileType,
      `bundle holds a ${kind} at ${JSON.stringify(path)}; bundles are regular files only`,
      400,
      { path, kind },
    );
  }
}
