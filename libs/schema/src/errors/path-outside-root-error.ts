import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** A path that resolves (after `..` and symlinks) outside the directory it must stay in. */
export class PathOutsideRootError extends LynxError {
  constructor(path: string, root: string) {
    super(ERROR_CODES.unsafePath, `${JSON.stringify(path)} is outside the allowed directory ${root}`, 400, { path, root, rule: 'outside_root' });
  }
}
