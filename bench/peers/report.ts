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
 * p50/p99 of `samples` sequential GETs of `url` (after 20 unmeasured warm-up calls), in ms; every
 * answer must be 200 and pass `check`, so a peer that answers fast with the wrong thing is caught.
 */
export async function getLatency(url: string, samples: number, headers: Record<string, string> = {}, check: (body: unknown) => boolean = () => true): Promise<Quantiles> {
  const times: number[] = [];
  for (let i = 0; i < samples + 20; i++) {
    const t = process.hrtime.bigint();
    const res = await request(url, { headers });
    const text = await res.body.text();
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${text.slice(0, 300)}`);
    if (i === 0 && !check(JSON.parse(text))) throw new Error(`GET ${url}: unexpected answer ${text.slice(0, 300)}`);
    if (i >= 20) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
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
