// Redis restarted empty under a running cost emitter: the rollups must come back equal to a
// replay of the same event stream, with nothing lost and nothing counted twice.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { JSONCodec, connect, type NatsConnection } from 'nats';
import { createLynxApp } from '@lynx/platform';
import { TEST_NATS_URL, startRedisServer, testNamespace, type RedisServerProcess, type TestNamespace } from '@lynx/platform/testing';
import { SUBJECTS, type InferenceEvent } from '@lynx/schema';
import { AppModule } from './app.module';
import type { Rollup } from './rollup/rollup';
import { RollupStore } from './rollup/rollup-store';

jest.setTimeout(120_000);

const TOTAL = 1500;
const DIGEST = `sha256:${'e'.repeat(64)}`;
const PRICE = { prompt: 2, completion: 4 }; // USD per 1k tokens, the price book's default
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function events(): InferenceEvent[] {
  return Array.from({ length: TOTAL }, (_, i) => ({
    event_id: randomUUID(),
    request_id: `req-${i}`,
    time: new Date().toISOString(),
    model: 'grammar-tutor',
    digest: DIGEST,
    arm: i % 3 === 0 ? 'canary' : 'production',
    role: i % 3 === 0 ? 'canary' : 'primary',
    input: 'he goed home',
    output: 'he went home',
    usage: { prompt_tokens: 1 + (i % 50), completion_tokens: 1 + (i % 30), total_tokens: 2 + (i % 50) + (i % 30) },
    latency_ms: 5,
    upstream_latency_ms: 4,
    status: i % 17 === 0 ? 'error' : 'ok',
  }));
}

/** The totals per role, summed over windows (the stream may straddle an hour). */
function byRole(rollups: Array<Pick<Rollup, 'role' | 'requests' | 'errors' | 'promptTokens' | 'completionTokens' | 'usd'>>) {
  const out: Record<string, { requests: number; errors: number; promptTokens: number; completionTokens: number; usd: number }> = {};
  for (const r of rollups) {
    const t = (out[r.role] ??= { requests: 0, errors: 0, promptTokens: 0, completionTokens: 0, usd: 0 });
    t.requests += r.requests;
    t.errors += r.errors;
    t.promptTokens += r.promptTokens;
    t.completionTokens += r.completionTokens;
    t.usd += r.usd;
  }
  for (const t of Object.values(out)) t.usd = Math.round(t.usd * 1e9) / 1e9;
  return out;
}

describe('cost emitter: Redis restarted mid-stream', () => {
  let redis: RedisServerProcess;
  let ns: TestNamespace;
  let nc: NatsConnection;
  let dir: string;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    redis = await startRedisServer();
    ns = testNamespace('costc', { LYNX_REDIS_URL: redis.url });
    await ns.createStreams();
    nc = await connect({ servers: TEST_NATS_URL });
    dir = await mkdtemp(join(tmpdir(), 'lynx-cost-chaos-'));
  });

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await nc?.close();
    await ns?.cleanup().catch(() => undefined);
    await redis?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('rebuilds the rollups from the stream: totals equal a replay of the events', async () => {
    await writeFile(join(dir, 'prices.yaml'), `default:\n  usd_per_1k_prompt_tokens: ${PRICE.prompt}\n  usd_per_1k_completion_tokens: ${PRICE.completion}\n`);
    const consumer = `cost-chaos-${ns.namespace}`;
    app = await createLynxApp(
      AppModule.forRoot({ ...process.env, ...ns.env, LYNX_PRICES_FILE: join(dir, 'prices.yaml'), LYNX_REGISTRY_URL: 'http://127.0.0.1:9', LYNX_COST_CONSUMER: consumer }),
      'cost-emitter',
    );
    await app.init();
    const store = app.get(RollupStore);
    const jsm = await nc.jetstreamManager();
    const stream = ns.names.stream('inference').name;
    const until = async (what: string, ok: () => Promise<boolean>) => {
      for (let i = 0; i < 600; i++) {
        if (await ok().catch(() => false)) return;
        await sleep(100);
      }
      throw new Error(`timed out waiting for ${what}`);
    };
    const counted = async () => (await store.all()).reduce((n, r) => n + r.requests, 0);
    await until('the consumer', async () => (await jsm.consumers.info(stream, consumer)) !== null);

    const all = events();
    const subject = ns.names.subject(SUBJECTS.inferenceCompleted);
    const publish = async (part: InferenceEvent[]) => {
      const js = nc.jetstream();
      await Promise.all(part.map((e) => js.publish(subject, JSONCodec().encode(e), { msgID: e.event_id })));
    };
    await publish(all.slice(0, 500));
    await until('the first 500 counted', async () => (await counted()) >= 500);
    await redis.kill();
    await publish(all.slice(500, 1000));
    await sleep(2000);
    await redis.start();
    await publish(all.slice(1000));

    await until('all events counted and acked', async () => {
      const info = await jsm.consumers.info(stream, consumer);
      return (await counted()) >= TOTAL && info.num_pending === 0 && info.num_ack_pending === 0;
    });
    const rollups = await store.all();

    // The replay: each event priced by the book's default price, summed per role.
    const replay = byRole(
      all.map((e) => ({
        role: e.role,
        requests: 1,
        errors: e.status === 'error' ? 1 : 0,
        promptTokens: e.usage!.prompt_tokens,
        completionTokens: e.usage!.completion_tokens,
        usd: (e.usage!.prompt_tokens * PRICE.prompt + e.usage!.completion_tokens * PRICE.completion) / 1000,
      })),
    );
    expect(byRole(rollups)).toEqual(replay);
    expect(rollups.reduce((n, r) => n + r.requests, 0)).toBe(TOTAL);
    console.log(JSON.stringify({ chaos: 'cost redis restart', published: TOTAL, counted: rollups.reduce((n, r) => n + r.requests, 0), rollups: rollups.length, equal: true }));
  });
});
