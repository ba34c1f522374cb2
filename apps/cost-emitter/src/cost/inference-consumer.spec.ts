import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { JSONCodec, connect, type NatsConnection } from 'nats';
import { parsePriceBook } from '../prices/price-book';
import { estimateTokens } from '../pricing/estimate-tokens';
import { RollupStore } from '../rollup/rollup-store';
import { VersionCatalog } from '../registry/version-catalog';
import { CostPipeline, type BatchOutcome } from './cost-pipeline';
import { InferenceConsumer } from './inference-consumer';

// Real NATS (JetStream) and Redis; every test has its own stream, subjects, consumer and keys.

const codec = JSONCodec();
const BASE = `sha256:${'b'.repeat(64)}`;
const INT8 = `sha256:${'8'.repeat(64)}`;
const UNKNOWN = `sha256:${'0'.repeat(64)}`;
const book = parsePriceBook(`default: { usd_per_1k_prompt_tokens: 0.5, usd_per_1k_completion_tokens: 1.5 }
prices:
  - { model: grammar-tutor, digest: "${'b'.repeat(12)}", usd_per_1k_prompt_tokens: 0.4, usd_per_1k_completion_tokens: 1.2 }
  - { model: grammar-tutor, digest: "${INT8}", usd_per_gpu_hour: 1.2, gpu_share: 0.25 }
`);

interface Expected { requests: number; prompt: number; completion: number; usd: number; estimated: number; defaultPriced: number }

/** The independent sum: straight from the price book's numbers, not through the emitter's pricing code. */
function expectedCost(e: Record<string, any>): { prompt: number; completion: number; usd: number } {
  const prompt = e.usage?.prompt_tokens ?? estimateTokens(e.input);
  const completion = e.usage?.completion_tokens ?? estimateTokens(e.output);
  if (e.digest === INT8) return { prompt, completion, usd: (e.upstream_latency_ms / 3_600_000) * 1.2 * 0.25 };
  const [p, c] = e.digest === BASE ? [0.4, 1.2] : [0.5, 1.5];
  return { prompt, completion, usd: (prompt * p + completion * c) / 1000 };
}

function makeEvents(n: number, t0: number): Array<Record<string, any>> {
  const digests = [BASE, INT8, UNKNOWN];
  const roles = ['primary', 'shadow', 'canary'];
  return Array.from({ length: n }, (_, i) => {
    const noUsage = i % 7 === 0;
    return {
      event_id: randomUUID(),
      request_id: `req-${i}`,
      time: new Date(t0 + i * 60_000).toISOString(), // spans several hourly windows
      model: 'grammar-tutor',
      digest: digests[i % 3],
      arm: 'a',
      role: roles[(i >> 2) % 3],
      input: 'Yesterday he goed to the park with his friends.',
      output: 'Yesterday he went to the park with his friends.',
      ...(noUsage ? {} : { usage: { prompt_tokens: 20 + (i % 13), completion_tokens: 5 + (i % 5), total_tokens: 25 + (i % 13) + (i % 5) } }),
      latency_ms: 12,
      upstream_latency_ms: 100 + (i % 50),
      status: i % 11 === 0 ? 'error' : 'ok',
    };
  });
}

describe('InferenceConsumer (NATS + Redis)', () => {
  let nc: NatsConnection;
  let redis: Redis;
  let id: string;
  let stream: string;
  let subject: string;
  let store: RollupStore;
  const consumers: InferenceConsumer[] = [];

  beforeAll(async () => {
    nc = await connect({ servers: process.env.LYNX_NATS_URL ?? 'nats://127.0.0.1:4222' });
    redis = new Redis(process.env.LYNX_REDIS_URL ?? 'redis://127.0.0.1:6379');
  });
  afterAll(async () => {
    await nc.drain();
    await redis.quit();
  });

  beforeEach(async () => {
    id = randomUUID().slice(0, 8);
    stream = `TEST_COST_${id}`;
    subject = `t${id}.inference.completed`;
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: stream, subjects: [`t${id}.inference.>`] });
    store = new RollupStore(redis, { prefix: `t${id}:cost` });
  });
  afterEach(async () => {
    for (const c of consumers.splice(0)) await c.stop();
    await (await nc.jetstreamManager()).streams.delete(stream);
    await store.clear();
  });

  function startConsumer(durable: string, deadLetters?: unknown[]): { consumer: InferenceConsumer; seen: (n: number) => Promise<BatchOutcome> } {
    // The registry is not part of these tests: a source that knows no version prices by the book alone.
    const catalog = new VersionCatalog({ version: async () => undefined });
    const consumer = new InferenceConsumer(async () => nc, new CostPipeline(book, catalog, store), {
      stream,
      durable,
      subject,
      batchSize: 64,
      deadLetter: deadLetters ? async (p) => deadLetters.push(p) : undefined,
    }, (err) => console.error('consumer error', err));
    consumers.push(consumer);
    const total: BatchOutcome = { counted: 0, duplicates: 0, invalid: [] };
    let waiter: { n: number; resolve: (o: BatchOutcome) => void } | undefined;
    consumer.on('batch', (o: BatchOutcome) => {
      total.counted += o.counted;
      total.duplicates += o.duplicates;
      total.invalid.push(...o.invalid);
      if (waiter && total.counted + total.duplicates + total.invalid.length >= waiter.n) waiter.resolve(total);
    });
    const seen = (n: number) => new Promise<BatchOutcome>((resolve) => {
      waiter = { n, resolve };
      if (total.counted + total.duplicates + total.invalid.length >= n) resolve(total);
    });
    return { consumer, seen };
  }

  async function publish(events: unknown[], msgIdSuffix = ''): Promise<void> {
    const js = nc.jetstream();
    await Promise.all(events.map((e, i) => js.publish(subject, codec.encode(e), { msgID: `${(e as { event_id?: string }).event_id ?? i}${msgIdSuffix}` })));
  }

  async function totals(): Promise<Expected> {
    const all = await store.all();
    const sum = (f: (r: (typeof all)[number]) => number) => all.reduce((s, r) => s + f(r), 0);
    return {
      requests: sum((r) => r.requests),
      prompt: sum((r) => r.promptTokens),
      completion: sum((r) => r.completionTokens),
      usd: sum((r) => r.usd),
      estimated: sum((r) => r.estimated),
      defaultPriced: sum((r) => r.defaultPriced),
    };
  }

  it('matches an independent sum over the events, and replaying them twice changes nothing', async () => {
    const events = makeEvents(300, Date.UTC(2025, 0, 1, 9, 30));
    const { consumer, seen } = startConsumer(`cost-${id}`);
    await consumer.start();
    await publish(events);
    expect((await seen(300)).counted).toBe(300);

    const expected = events.reduce<Expected>(
      (s, e) => {
        const c = expectedCost(e);
        return {
          requests: s.requests + 1,
          prompt: s.prompt + c.prompt,
          completion: s.completion + c.completion,
          usd: s.usd + c.usd,
          estimated: s.estimated + (e.usage ? 0 : 1),
          defaultPriced: s.defaultPriced + (e.digest === UNKNOWN ? 1 : 0),
        };
      },
      { requests: 0, prompt: 0, completion: 0, usd: 0, estimated: 0, defaultPriced: 0 },
    );
    const first = await totals();
    expect(first).toEqual({ ...expected, usd: expect.closeTo(expected.usd, 9) });
    expect(first.estimated).toBeGreaterThan(0);
    expect(first.defaultPriced).toBe(100);
    // rollups per (model, digest, role, hourly window): 300 minutes from 09:30 → 6 windows
    const windows = new Set((await store.all()).map((r) => r.windowStartMs));
    expect(windows.size).toBe(6);

    // Replay 1: the whole stream again through a second durable consumer (a rebuild).
    const replay = startConsumer(`cost-replay-${id}`);
    await replay.consumer.start();
    expect(await replay.seen(300)).toMatchObject({ counted: 0, duplicates: 300 });
    // Replay 2: the same events republished (new message ids, so JetStream does not drop them).
    await publish(events, '-again');
    expect(await seen(600)).toMatchObject({ counted: 300, duplicates: 300 });
    expect(await totals()).toEqual(first);

    const info = await (await nc.jetstreamManager()).consumers.info(stream, `cost-${id}`);
    expect(info.num_ack_pending).toBe(0);
  });

  it('acks and dead-letters events that fail the schema, counting them, without redelivery', async () => {
    const dead: Array<{ reason: string }> = [];
    const { consumer, seen } = startConsumer(`cost-${id}`, dead);
    await consumer.start();
    const good = makeEvents(3, Date.UTC(2025, 0, 1));
    const bad = [
      { ...good[0], event_id: randomUUID(), digest: 'sha256:XYZ' },
      { ...good[1], event_id: 'not-a-uuid' },
    ];
    await publish([...good, ...bad]);
    await nc.jetstream().publish(subject, new TextEncoder().encode('{not json'), { msgID: `raw-${id}` });
    const outcome = await seen(6);
    expect(outcome.counted).toBe(3);
    expect(outcome.invalid).toHaveLength(3);
    expect(dead.map((d) => d.reason).join('\n')).toMatch(/digest[\s\S]*event_id[\s\S]*not JSON/);
    const info = await (await nc.jetstreamManager()).consumers.info(stream, `cost-${id}`);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
    expect(info.num_pending).toBe(0);
    expect((await totals()).requests).toBe(3);
  });
});
