// Shared by the peer benches: latency sampling, percentiles, ratios, tables and a progress bar.
import { Presets, SingleBar } from 'cli-progress';
import { request } from 'undici';

export interface Quantiles {
  p50: number;
  p99: number;
}

/** Percentile of an ascending array (nearest rank, as bench/registry reads it). */
export const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/**
 * One GET a side makes. Every answer must be 200 and the first must pass `check`, so a peer that
 * answers fast with the wrong thing is caught.
 */
export interface Read {
  url: string;
  check: (body: unknown) => boolean;
  headers?: Record<string, string>;
}

async function timedGet(read: Read, first: boolean): Promise<number> {
  const t = process.hrtime.bigint();
  const res = await request(read.url, { headers: read.headers ?? {} });
  const text = await res.body.text();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (res.statusCode !== 200) throw new Error(`GET ${read.url}: ${res.statusCode} ${text.slice(0, 300)}`);
  if (first && !read.check(JSON.parse(text))) throw new Error(`GET ${read.url}: unexpected answer ${text.slice(0, 300)}`);
  return ms;
}

function quantiles(times: number[]): Quantiles {
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

/**
 * Two sides' GETs interleaved, one at a time, after 20 warm-ups each: a change of the machine's
 * load during the run lands on both sides alike (measured one after the other, it landed on one).
 * Which side goes first alternates, so neither always follows the other's work.
 */
export async function pairedLatency(a: Read, b: Read, samples: number): Promise<[Quantiles, Quantiles]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < samples + 20; i++) {
    const [x, y] = i % 2 === 0 ? [a, b] : [b, a];
    const mx = await timedGet(x, i === 0);
    const my = await timedGet(y, i === 0);
    if (i < 20) continue;
    (x === a ? ta : tb).push(mx);
    (y === a ? ta : tb).push(my);
  }
  return [quantiles(ta), quantiles(tb)];
}

export const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
/** "12.3×": how many times `peer` is `lynx` (higher is better for Lynx when both are costs). */
export const times = (peer: number, lynx: number) => `${fmt(peer / lynx, 1)}×`;
export const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

export function printTable(title: string, head: string[], rows: string[][]): void {
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
  process.stdout.write(`\n${title}\n\n${lines.join('\n')}\n`);
}

/** A progress bar on stderr (the tables go to stdout); a no-op bar when stderr is not a terminal. */
export function progress(label: string, total: number): { update(done: number): void; stop(): void } {
  if (!process.stderr.isTTY) {
    process.stderr.write(`${label}: ${total}…\n`);
    return { update: () => undefined, stop: () => undefined };
  }
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} {duration_formatted}`, stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
