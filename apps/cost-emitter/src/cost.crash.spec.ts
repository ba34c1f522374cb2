// kill -9 of the cost emitter mid-stream, then a restart on the same durable consumer: the batches
// it had rolled up but not acked come back from JetStream, and the rollups still equal the events
// priced one by one (redelivery never counts twice).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { JSONCodec, connect, type NatsConnection } from 'nats';
import { redisOptions } from '@lynx/platform';
import { TEST_NATS_URL, TEST_REDIS_URL, killMidStream, spawnLynxApp, testNamespace, type LynxAppProcess, type TestNamespace } from '@lynx/platform/testing';
import { SUBJECTS, type InferenceEvent } from '@lynx/schema';
import { RollupStore } from './rollup/rollup-store';

jest.setTimeout(120_000);

const TOTAL = 1500;
const DIGEST = `sha256:${'9'.repeat(64)}`;
const PRICE = { prompt: 2, completion: 4 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const event = (i: number): InferenceEvent => ({
  event_id: randomUUID(),
  request_id: `req-${i}`,
  time: new Date().toISOString(),
  model: 'grammar-tutor',
  digest: DIGEST,
  arm: 'production',
  role: 'primary',
  input: 'he goed home',
  output: 'he went home',
  usage: { prompt_tokens: 1 + (i % 40), completion_tokens: 1 + (i % 20), total_tokens: 2 + (i % 40) + (i % 20) },
  latency_ms: 5,
  upstream_latency_ms: 4,
  status: i % 13 === 0 ? 'error' : 'ok',
});

describe('cost emitter: kill -9 mid-stream', () => {
  let ns: TestNamespace;
  let nc: NatsConnection;
  let redis: Redis;
  let dir: string;
  let emitter: LynxAppProcess | undefined;

  beforeAll(async () => {
    ns = testNamespace('costk');
    await ns.createStreams();
    nc = await connect({ servers: TEST_NATS_URL });
    redis = new Redis(redisOptions(TEST_REDIS_URL));
    dir = await mkdtemp(join(tmpdir(), 'lynx-cost-crash-'));
  });

  afterAll(async () => {
    await emitter?.kill();
    await nc?.close();
    redis?.disconnect();
    await ns?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('counts each event once across the kill: usage equals the events priced one by one', async () => {
    await writeFile(join(dir, 'prices.yaml'), `default:\n  usd_per_1k_prompt_tokens: ${PRICE.prompt}\n  usd_per_1k_completion_tokens: ${PRICE.completion}\n`);
    const consumer = `cost-crash-${ns.namespace}`;
    const env = { ...ns.env, LYNX_PRICES_FILE: join(dir, 'prices.yaml'), LYNX_REGISTRY_URL: 'http://127.0.0.1:9', LYNX_COST_CONSUMER: consumer, LYNX_COST_BATCH_SIZE: '25' };
    const store = new RollupStore(redis, { prefix: ns.names.redisKey('cost') });
    const counted = async () => (await store.all()).reduce((n, r) => n + r.requests, 0);
    const jsm = await nc.jetstreamManager();
    const stream = ns.names.stream('inference').name;
    emitter = await spawnLynxApp('cost-emitter', env);
    for (let i = 0; i < 600 && !(await jsm.consumers.info(stream, consumer).catch(() => null)); i++) await sleep(50);

    const all = Array.from({ length: TOTAL }, (_, i) => event(i));
    const js = nc.jetstream();
    const publish = (from: number, to: number) => Promise.all(all.slice(from, to).map((e) => js.publish(ns.names.subject(SUBJECTS.inferenceCompleted), JSONCodec().encode(e), { msgID: e.event_id })));
    const atKill = await killMidStream({ publish, counted: counted, kill: () => emitter!.kill(), total: TOTAL });
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(TOTAL);

    emitter = await spawnLynxApp('cost-emitter', env);
    for (let i = 0; i < 600; i++) {
      const info = await jsm.consumers.info(stream, consumer);
      if ((await counted()) >= TOTAL && info.num_pending === 0 && info.num_ack_pending === 0) break;
      await sleep(100);
    }
    const rollups = await store.all();
    const sum = (f: (r: (typeof rollups)[number]) => number) => rollups.reduce((n, r) => n + f(r), 0);
    const expected = {
      requests: TOTAL,
      errors: all.filter((e) => e.status === 'error').length,
      promptTokens: all.reduce((n, e) => n + e.usage!.prompt_tokens, 0),
      completionTokens: all.reduce((n, e) => n + e.usage!.completion_tokens, 0),
      usd: Math.round(all.reduce((n, e) => n + (e.usage!.prompt_tokens * PRICE.prompt + e.usage!.completion_tokens * PRICE.completion) / 1000, 0) * 1e9) / 1e9,
    };
    expect({
      requests: sum((r) => r.requests),
      errors: sum((r) => r.errors),
      promptTokens: sum((r) => r.promptTokens),
      completionTokens: sum((r) => r.completionTokens),
      usd: Math.round(sum((r) => r.usd) * 1e9) / 1e9,
    }).toEqual(expected);
    console.log(JSON.stringify({ chaos: 'cost kill -9', published: TOTAL, countedAtKill: atKill, counted: sum((r) => r.requests), equal: true }));
  });
});
