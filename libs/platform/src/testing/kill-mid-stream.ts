const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface KillMidStream {
  /** Publishes events [from, to) of the stream. */
  publish: (from: number, to: number) => Promise<unknown>;
  /** How many events the worker has counted so far. */
  counted: () => Promise<number>;
  /** SIGKILLs the worker. */
  kill: () => Promise<void>;
  total: number;
  /** Counted before the rest is published (default 200). */
  first?: number;
  /** The kill lands once this many are counted (default 300). */
  killAt?: number;
}

/**
 * For crash specs: the first events are published and counted, then the rest is published in
 * paced chunks while the worker works, and the worker is killed once it has counted `killAt` —
 * with batches in hand and the rest still to come. Pacing keeps a fast worker from counting the
 * whole stream before the kill. Answers how many were counted at the kill (always mid-stream:
 * over 0 and under `total`, or the caller's assertions say the kill missed).
 */
export async function killMidStream(o: KillMidStream): Promise<number> {
  const first = o.first ?? 200;
  const killAt = o.killAt ?? 300;
  await o.publish(0, first);
  for (let k = 0; k < 2000 && (await o.counted()) < first; k++) await sleep(10);
  const publishing = (async () => {
    for (let from = first; from < o.total; from += 50) {
      await o.publish(from, Math.min(from + 50, o.total));
      await sleep(50);
    }
  })();
  let atKill = -1;
  for (let k = 0; k < 5000; k++) {
    const n = await o.counted();
    if (n >= killAt) {
      atKill = n;
      break;
    }
    await sleep(2);
  }
  await o.kill();
  await publishing;
  return atKill;
}
