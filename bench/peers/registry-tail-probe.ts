// Preloaded into the registry by registry-tail.ts (`-r`): timestamps of every PGlite call, every
// HTTP request (arrival to finish) and every GC, written as JSON to LYNX_TAIL_PROBE_OUT on SIGTERM,
// so a slow GET seen by the client can be split into database, GC and the rest.
import { writeFileSync } from 'node:fs';
import { Server } from 'node:http';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';

export interface ProbeDump {
  /** performance.timeOrigin: the times below plus this are epoch ms, comparable across processes. */
  origin: number;
  db: Array<[number, number, string]>;
  req: Array<[number, number, string]>;
  /** start, end, kind (1 minor, 2 major, 4 incremental, 8 weak callbacks). */
  gc: Array<[number, number, number]>;
}

const out: ProbeDump = { origin: performance.timeOrigin, db: [], req: [], gc: [] };

for (const method of ['query', 'exec'] as const) {
  const original = PGlite.prototype[method] as (this: PGlite, ...args: unknown[]) => Promise<unknown>;
  (PGlite.prototype as unknown as Record<string, unknown>)[method] = async function (this: PGlite, ...args: unknown[]) {
    const t = performance.now();
    try {
      return await original.apply(this, args);
    } finally {
      out.db.push([t, performance.now(), String(args[0]).replace(/\s+/g, ' ').slice(0, 200)]);
    }
  };
}

const emit = Server.prototype.emit as (this: Server, event: string, ...args: unknown[]) => boolean;
Server.prototype.emit = function (this: Server, event: string, ...args: unknown[]) {
  if (event === 'request') {
    const [req, res] = args as [{ url?: string }, { once(e: 'finish', f: () => void): void }];
    const t = performance.now();
    res.once('finish', () => out.req.push([t, performance.now(), req.url ?? '']));
  }
  return emit.call(this, event, ...args);
} as typeof Server.prototype.emit;

new PerformanceObserver((list) => {
  for (const e of list.getEntries()) out.gc.push([e.startTime, e.startTime + e.duration, (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0]);
}).observe({ entryTypes: ['gc'] });

process.prependOnceListener('SIGTERM', () => writeFileSync(process.env.LYNX_TAIL_PROBE_OUT ?? 'registry-tail-probe.json', JSON.stringify(out)));
