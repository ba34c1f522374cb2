// Cost benchmark: events per second through one cost-emitter worker's pipeline
// (decode → schema → price → Lua dedup + rollup increments, one script call per batch) against
// a baseline in the same run: the raw Redis rate of pipelined `SET NX EX` (the dedup mark alone,
// no pricing, no rollups), same batch size. Then process RSS after 100 000 and 1 000 000 events.
// Real Redis (LYNX_REDIS_URL); keys under a unique prefix, deleted at the end.
// Sizes: LYNX_BENCH_EVENTS (default 1 000 000), LYNX_BENCH_BATCH (default 500).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { CostPipeline } from '../../apps/cost-emitter/src/cost/cost-pipeline';
import { parsePriceBook } from '../../apps/cost-emitter/src/prices/price-book';
import { VersionCatalog } from '../../apps/cost-emitter/src/registry/version-catalog';
import { RollupStore } from '../../apps/cost-emitter/src/rollup/rollup-store';

const TOTAL = Number(process.env.LYNX_BENCH_EVENTS ?? 1_000_000);
const BATCH = Number(process.env.LYNX_BENCH_BATCH ?? 500);
const RATE_EVENTS = Math.min(TOTAL, 200_000);
const encoder = new TextEncoder();
const digests = ['b', '1', '8', '0'].map((c) => `sha256:${c.repeat(64)}`);
const roles = ['primary', 'shadow', 'canary'];
const t0 = Date.UTC(2025, 0, 1);

const book = parsePriceBook(`default: { usd_per_1k_prompt_tokens: 0.5, usd_per_1k_completion_tokens: 1.5 }
prices:
  - { model: grammar-tutor, digest: "${'b'.repeat(12)}", usd_per_1k_prompt_tokens: 0.4, usd_per_1k_completion_tokens: 1.2 }
  - { model: grammar-tutor, digest: "${'1'.repeat(12)}", usd_per_1k_prompt_tokens: 0.45, usd_per_1k_completion_tokens: 1.35 }
  - { model: grammar-tutor, digest: "${'8'.repeat(12)}", usd_per_gpu_hour: 1.2, gpu_share: 0.25 }
`);

/** A batch of encoded events as the router publishes them; every 10th without usage. */
function batch(start: number, n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = start; i < start + n; i++) {
    const usage = i % 10 === 0 ? undefined : { prompt_tokens: 20 + (i % 13), completion_tokens: 5 + (i % 7), total_tokens: 25 + (i % 13) + (i % 7) };
    out.push(encoder.encode(JSON.stringify({
      event_id: randomUUID(), request_id: `r${i}`, time: new Date(t0 + i * 40).toISOString(), model: 'grammar-tutor',
      digest: digests[i % 4], arm: 'a', role: roles[i % 3], input: 'Yesterday he goed to the park with his friends.',
      output: 'Yesterday he went to the park with his friends.', usage, latency_ms: 12, upstream_latency_ms: 100 + (i % 50), status: 'ok',
    })));
  }
  return out;
}

async function rate(n: number, fn: (start: number, size: number) => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i += BATCH) await fn(i, Math.min(BATCH, n - i));
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

const mb = (b: number) => (b / 1024 ** 2).toFixed(1);

async function main(): Promise<void> {
  const redis = new Redis(process.env.LYNX_REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `bench${randomUUID().slice(0, 8)}:cost`;
  const store = new RollupStore(redis, { prefix, retentionSeconds: 3600 });
  const pipeline = new CostPipeline(book, new VersionCatalog({ version: async () => undefined }), store);
  try {
    await pipeline.process(batch(0, 1000)); // warm-up: JIT, script load
    // RSS first (before the rate runs hold pre-encoded batches): events generated batch by batch,
    // sampled after 100 000 and at the end.
    let rss100k = 0;
    let heap100k = 0;
    for (let i = 0; i < TOTAL; i += BATCH) {
      await pipeline.process(batch(1000 + i, Math.min(BATCH, TOTAL - i)));
      if (i + BATCH === 100_000) {
        global.gc?.();
        ({ rss: rss100k, heapUsed: heap100k } = process.memoryUsage());
      }
    }
    global.gc?.();
    const { rss: rssEnd, heapUsed: heapEnd } = process.memoryUsage();
    // Pre-encode the rate-run batches so both sides measure Redis + work, not JSON.stringify.
    const pre: Uint8Array[][] = [];
    for (let i = 0; i < RATE_EVENTS; i += BATCH) pre.push(batch(1000 + TOTAL + i, BATCH));
    const baseline = await rate(RATE_EVENTS, async (i, size) => {
      const p = redis.pipeline();
      for (let k = 0; k < size; k++) p.set(`${prefix}:base:${i + k}`, '1', 'EX', 3600, 'NX');
      return p.exec();
    });
    const emitter = await rate(RATE_EVENTS, (i) => pipeline.process(pre[i / BATCH]));
    pre.length = 0;

    const rollups = await store.all();
    const counted = rollups.reduce((s, r) => s + r.requests, 0);

    const rows = [
      ['baseline: pipelined SET NX EX (dedup mark only), events/s', baseline.toFixed(0)],
      ['cost pipeline (decode, schema, price, Lua dedup + rollup), events/s per worker, target ≥ 50 000', emitter.toFixed(0)],
      ['ratio cost pipeline / baseline', (emitter / baseline).toFixed(2)],
      ['RSS after 100 000 events (MB)', mb(rss100k)],
      [`RSS after ${TOTAL.toLocaleString('en')} events (MB)`, mb(rssEnd)],
      ['RSS change, target within ± 10 %', `${(((rssEnd - rss100k) / rss100k) * 100).toFixed(1)} %`],
      ['JS heap used after 100 000 → after all events (MB)', `${mb(heap100k)} → ${mb(heapEnd)}`],
      ['events counted in rollups (check)', `${counted} of ${RATE_EVENTS + 1000 + TOTAL}`],
    ];
    process.stdout.write(`Node ${process.version}, batch ${BATCH}, gc exposed: ${Boolean(global.gc)}\n\n| figure | value |\n|---|---|\n`);
    for (const [k, v] of rows) process.stdout.write(`| ${k} | ${v} |\n`);
  } finally {
    await store.clear();
    await redis.quit();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exitCode = 1;
});
