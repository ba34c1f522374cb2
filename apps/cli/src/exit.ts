import { LynxError } from '@lynx/schema';

/** Exit codes every command shares: 0 ok, 1 a check failed (regression, drift), 2 an error, 3 the evidence cannot decide (the gate's inconclusive). */
export const EXIT = { ok: 0, failed: 1, error: 2, inconclusive: 3 } as const;

/** Thrown by commands for a user-facing failure: printed without a stack, exits with `exitCode`. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.error) {
    super(message);
    this.name = 'CliError';
  }
}

export function reportError(err: unknown): number {
  if (err instanceof CliError) {
    process.stderr.write(`lynx: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof LynxError) {
    process.stderr.write(`lynx: ${err.code}: ${err.message}\n`);
    return EXIT.error;
  }
  const e = err as Error;
  process.stderr.write(`lynx: unexpected error: ${e?.stack ?? String(err)}\n`);
  return EXIT.error;
}
