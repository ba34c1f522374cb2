// The router's memory while the bench runs: RSS from /proc once a second, and V8's heap from the
// router's own /metrics (prom-client's default nodejs_* gauges) every 10 s, so RSS growth can be
// told apart as heap (live objects, or V8 sizing its heap to the allocation rate) or memory outside
// the heap. A scrape costs the router a few ms of event loop, so it is skipped while a latency
// phase is measured (`scrape()` false) and only runs between phases and in the soak.
import { performance } from 'node:perf_hooks';
import { rssMb } from './load';

export interface MemorySample {
  /** Seconds since the sampler started. */
  t: number;
  phase: string;
  rss: number;
  /** MB, when /metrics answered within the second. */
  heapUsed?: number;
  heapTotal?: number;
  external?: number;
  /** Seconds of GC since the router started, and event-loop delay since the last scrape (ms). */
  gcSeconds?: number;
  lagMaxMs?: number;
}

const MB = 1024 * 1024;

/** Sum of the samples of one metric (over all label sets). */
function metric(text: string, name: string): number | undefined {
  let sum: number | undefined;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) sum = (sum ?? 0) + Number(m[1]);
  return sum;
}
const mb = (v: number | undefined) => (v === undefined ? undefined : v / MB);

export interface MemorySampler {
  samples: MemorySample[];
  /** Takes a sample with the heap now (e.g. right after a phase) and returns it. */
  sampleHeap(): Promise<MemorySample>;
  stop(): void;
}

export function startMemorySampler(pid: number, routerUrl: string, phase: () => string, scrape: () => boolean): MemorySampler {
  const samples: MemorySample[] = [];
  const t0 = performance.now();
  let tick = 0;
  const take = async (withHeap: boolean) => {
    const s: MemorySample = { t: (performance.now() - t0) / 1000, phase: phase(), rss: rssMb(pid) };
    samples.push(s);
    if (!withHeap) return s;
    try {
      const text = await (await fetch(`${routerUrl}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
      s.heapUsed = mb(metric(text, 'nodejs_heap_size_used_bytes'));
      s.heapTotal = mb(metric(text, 'nodejs_heap_size_total_bytes'));
      s.external = mb(metric(text, 'nodejs_external_memory_bytes'));
      s.gcSeconds = metric(text, 'nodejs_gc_duration_seconds_sum');
      // prom-client resets its event-loop delay histogram on every scrape.
      const lag = metric(text, 'nodejs_eventloop_lag_max_seconds');
      s.lagMaxMs = lag === undefined ? undefined : lag * 1000;
    } catch {
      /* a saturated router may not answer in time; RSS is still sampled */
    }
    return s;
  };
  const timer = setInterval(() => void take(tick++ % 10 === 0 && scrape()), 1000);
  return { samples, sampleHeap: () => take(true), stop: () => clearInterval(timer) };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

export interface MinuteRow {
  minute: number;
  phases: string[];
  rss: number;
  rssMin: number;
  rssMax: number;
  /** Of the heap samples in the minute (every 10 s in the soak, after each phase otherwise). */
  heapUsedMin: number;
  heapUsedMax: number;
  heapTotal: number;
}

/** Per whole minute of samples (a last partial minute is left out unless it is the only one). */
export function perMinute(samples: MemorySample[]): MinuteRow[] {
  if (!samples.length) return [];
  const start = samples[0].t;
  const rows: MinuteRow[] = [];
  const minutes = Math.max(1, Math.floor((samples[samples.length - 1].t - start + 1) / 60));
  for (let m = 0; m < minutes; m++) {
    const inMinute = samples.filter((s) => s.t - start >= m * 60 && s.t - start < (m + 1) * 60);
    const rss = inMinute.map((s) => s.rss);
    const heap = inMinute.map((s) => s.heapUsed).filter((v): v is number => v !== undefined);
    const total = inMinute.map((s) => s.heapTotal).filter((v): v is number => v !== undefined);
    rows.push({
      minute: m + 1,
      phases: [...new Set(inMinute.map((s) => s.phase))],
      rss: mean(rss),
      rssMin: Math.min(...rss),
      rssMax: Math.max(...rss),
      heapUsedMin: heap.length ? Math.min(...heap) : NaN,
      heapUsedMax: heap.length ? Math.max(...heap) : NaN,
      heapTotal: mean(total),
    });
  }
  return rows;
}

/** Least-squares slope of RSS over the samples, MB per minute. */
export function rssSlope(samples: MemorySample[]): number {
  const n = samples.length;
  if (n < 2) return NaN;
  const mt = mean(samples.map((s) => s.t));
  const mr = mean(samples.map((s) => s.rss));
  const cov = samples.reduce((a, s) => a + (s.t - mt) * (s.rss - mr), 0);
  const varT = samples.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  return (cov / varT) * 60;
}
