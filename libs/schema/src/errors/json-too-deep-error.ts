import { ERROR_CODES } from '../error-codes';
import { LynxError } from './lynx-error';

/** A JSON body nested deeper than the limit: refused before anything walks or re-serialises it. */
export class JsonTooDeepError extends LynxError {
  constructor(maxDepth: number) {
    super(ERROR_CODES.jsonTooDeep, `the JSON body is nested deeper than ${maxDepth} levels: flatten it`, 400, { max_depth: maxDepth });
  }
}
