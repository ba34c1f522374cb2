/**
 * Polls `probe` every 25 ms until it returns something other than undefined; fails after
 * `timeoutMs` naming `what`. For "within N seconds" behaviour without a fixed sleep.
 */
export async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
