import { ERROR_CODES, LynxError } from '@lynx/schema';

/** A bundle holds a symbolic link: its target is outside the bundle's content, so it cannot be digested. */
export class SymlinkRejectedError extends LynxError {
  constructor(readonly path: string) {
    super(
      ERROR_CODES.symlinkRejected,
      `bundle holds a symbolic link at ${JSON.stringify(path)}; bundles are regular files only`,
      400,
      { path },
    );
  }
}
