/**
 * Thrown by every libs/math function on bad input. The message starts with the function's
 * name (`klDivergence: p and q must have the same length`) so a caller several layers up
 * (a drift job, the CLI) can tell which computation refused and why.
 */
export class MathInputError extends Error {
  constructor(
    readonly fn: string,
    detail: string,
  ) {
    super(`${fn}: ${detail}`);
    this.name = 'MathInputError';
  }
}
