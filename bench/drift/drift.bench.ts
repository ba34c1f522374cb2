// Drift worker benchmark: events/s through extraction + aggregation on one worker, time to close
// a window of 1 000 000 events, and the worker's RSS at 100 000 vs 1 000 000 events.
// Run: node --expose-gc -r ./tools/register.js bench/drift/drift.bench.ts   (needs Redis)
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisOptions } from '@lynx/platform';
import { cleanupNamespace, TEST_REDIS_URL, uniqueName } from '@lynx/platform/testing';
import { DRIFT_THRESHOLDS } from '@lynx/schema';
import { generateTraffic, readItems } from '@lynx/tutor';
import { CORPUS_DIR } from '@lynx/tutor/testing';
import { sentenceFeatures } from '../../apps/drift-worker/src/features/features';
import { IngestPipeline } from '../../apps/drift-worker/src/ingest/ingest-pipeline';
import { buildProfile } from '../../apps/drift-worker/src/profiles/profile';
import { DocStore } from '../../apps/drift-worker/src/store/doc-store';
import { WindowStore } from '../../apps/drift-worker/src/store/window-store';
import { WindowService } from '../../apps/drift-worker/src/windows/window.service';

const TOTAL = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const CHECKPOINT = TOTAL / 10;
const BATCH = 500;
const DIGEST = `sha256:${'c'.repeat(64)}`;
const enc = new TextEncoder();
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (b: number) => (b / 2 ** 20).toFixed(1);

async function main(): Promise<void> {
  const namespace = uniqueName('bench-drift');
  const redis = new Redis(redisOptions(TEST_REDIS_URL));
  const prefix = `${namespace}:drift`;
  const windows = new WindowStore(redis, prefix, { dedupTtlMs: 3_600_000, reservoir: 1000, textReservoir: 2000, maxCategories: 1000 });
  const docs = new DocStore(redis, prefix);
  const pipeline = new IngestPipeline(windows, docs);
  const service = new WindowService(windows, docs, { thresholds: DRIFT_THRESHOLDS, minCount: 200, cooldownWindows: 0 }, { publish: async () => undefined }, { add: async () => undefined });
  try {
    await docs.putProfile(buildProfile({ model: 'grammar-tutor', digest: DIGEST, data: { name: 'corpus', digest: DIGEST }, items: await readItems(CORPUS_DIR) }));
    // 20 000 distinct sentences, cycled with fresh event ids (every event is new to the dedup marks).
    const sentences = generateTraffic({ seed: 9, count: 20_000, newLemmas: 10 }).map((i) => [i.input, i.target] as const);
    const batchOf = (start: number): Uint8Array[] =>
      Array.from({ length: BATCH }, (_, k) => {
        const [input, output] = sentences[(start + k) % sentences.length];
        return enc.encode(
          JSON.stringify({
            event_id: randomUUID(), request_id: `r${start + k}`, time: new Date().toISOString(), model: 'grammar-tutor', digest: DIGEST,
            arm: 'production', role: 'primary', input, output, usage: { prompt_tokens: 12, completion_tokens: 12, total_tokens: 24 },
            latency_ms: 3 + ((start + k) % 11), upstream_latency_ms: 2, status: 'ok',
          }),
        );
      });

    // Baseline in the same run: the JS half alone (decode, schema, feature extraction), no Redis.
    const { inferenceEventSchema } = await import('@lynx/schema');
    const dec = new TextDecoder();
    let t = process.hrtime.bigint();
    let n = 0;
    for (let s = 0; s < 100_000; s += BATCH) {
      for (const b of batchOf(s)) {
        const e = inferenceEventSchema.parse(JSON.parse(dec.decode(b)));
        sentenceFeatures(e.input, e.output, e.latency_ms);
        n++;
      }
    }
    const jsOnly = n / (Number(process.hrtime.bigint() - t) / 1e9);

    // Full path, as the consumer runs it: extraction + one atomic Lua call per batch, two batches
    // in flight so extraction overlaps the Redis call. Building the event bytes (the producer's
    // work) is left out of the time.
    const closeTimes: Record<string, number> = {};
    const mem: Record<number, { rss: number; heap: number }> = {};
    let eventsPerSecond = 0;
    let agg = { count: 0 };
    let decision = '';
    for (const size of [CHECKPOINT, TOTAL]) {
      let busy = 0;
      let pending: Promise<unknown> | null = null;
      for (let s = 0; s < size; s += BATCH) {
        const batch = batchOf(s);
        t = process.hrtime.bigint();
        const p = pipeline.process(batch);
        if (pending) await pending;
        pending = p;
        busy += Number(process.hrtime.bigint() - t) / 1e9;
        if (size === TOTAL && (s + BATCH) % CHECKPOINT === 0) {
          gc();
          const m = process.memoryUsage();
          mem[s + BATCH] = { rss: m.rss, heap: m.heapUsed };
        }
      }
      t = process.hrtime.bigint();
      await pending;
      busy += Number(process.hrtime.bigint() - t) / 1e9;
      if (size === TOTAL) eventsPerSecond = size / busy;
      const w = (await windows.currentWindow()).id;
      agg = await windows.readAggregate(w, `grammar-tutor|${DIGEST}`);
      t = process.hrtime.bigint();
      const reports = await service.close(w);
      closeTimes[size] = Number(process.hrtime.bigint() - t) / 1e6;
      decision = reports[0]?.decision ?? '';
    }
    const rss100k = mem[CHECKPOINT].rss;
    const rss1m = mem[TOTAL].rss;
    const rows = [
      ['events/s, extraction + aggregation (one worker, batches of 500, 2 in flight), target ≥ 50 000', eventsPerSecond.toFixed(0)],
      ['events/s, baseline: JSON + schema + extraction only (no Redis)', jsOnly.toFixed(0)],
      ['ratio full / baseline', (eventsPerSecond / jsOnly).toFixed(2)],
      [`close of a window of ${agg.count} events, target < 1 s`, `${closeTimes[TOTAL].toFixed(1)} ms (decision ${decision})`],
      [`close of a window of ${CHECKPOINT} events (baseline)`, `${closeTimes[CHECKPOINT].toFixed(1)} ms`],
      ['ratio close(1M) / close(100k)', (closeTimes[TOTAL] / closeTimes[CHECKPOINT]).toFixed(2)],
      ...Object.entries(mem).map(([n, m]) => [`worker RSS / heap used after ${n} events of the window`, `${mb(m.rss)} MB / ${mb(m.heap)} MB`]),
      ['ratio RSS(1M) / RSS(100k), target 0.9–1.1', (rss1m / rss100k).toFixed(3)],
      ['Redis memory used (incl. the dedup marks of every event)', (await redis.info('memory')).match(/used_memory_human:(\S+)/)?.[1] ?? '?'],
    ];
    const width = Math.max(...rows.map((r) => r[0].length));
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
  } finally {
    redis.disconnect();
    await cleanupNamespace(namespace);
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
