import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSONCodec, connect } from 'nats';
import { PriceBookError } from '@lynx/schema';
import { createLynxApp } from '@lynx/platform';
import { AppModule } from './app.module';
import { CostService } from './cost/cost.service';
import { RollupStore } from './rollup/rollup-store';

// The whole app on real NATS and Redis, in its own namespace (streams, subjects, keys).

describe('cost-emitter app', () => {
  const saved = { ...process.env };
  let dir: string;
  let ns: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lynx-cost-'));
    ns = `t${randomUUID().slice(0, 8)}`;
    Object.assign(process.env, {
      LYNX_ENV: 'test',
      LYNX_NAMESPACE: ns,
      LYNX_PRICES_FILE: join(dir, 'prices.yaml'),
      // Nothing listens here: the registry being down must not stop pricing.
      LYNX_REGISTRY_URL: 'http://127.0.0.1:9',
      LYNX_COST_CONSUMER: `cost-${ns}`,
    });
  });
  afterEach(async () => {
    process.env = { ...saved };
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start with a bad price book, naming the line', async () => {
    await writeFile(join(dir, 'prices.yaml'), 'default:\n  usd_per_1k_prompt_tokens: 1\n  usd_per_1k_completion_tokens: -1\n');
    let err: unknown;
    try {
      AppModule.forRoot();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PriceBookError);
    expect((err as PriceBookError).line).toBe(3);
  });

  it('prices events from its stream into rollups and /metrics', async () => {
    await writeFile(join(dir, 'prices.yaml'), 'default:\n  usd_per_1k_prompt_tokens: 2\n  usd_per_1k_completion_tokens: 4\n');
    const app = await createLynxApp(AppModule.forRoot(), 'cost-emitter');
    await app.init();
    const nc = await connect({ servers: process.env.LYNX_NATS_URL ?? 'nats://127.0.0.1:4222' });
    const store = app.get(RollupStore);
    try {
      // Wait for the consumer by the stream's consumer list, not by time.
      const jsm = await nc.jetstreamManager();
      const stream = `${ns.toUpperCase()}_INFERENCE`;
      for (let i = 0; i < 200; i++) {
        const names = await jsm.consumers.list(stream).next().catch(() => []);
        if (names.some((c) => c.name === `cost-${ns}`)) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      const digest = `sha256:${'c'.repeat(64)}`;
      const event = {
        event_id: randomUUID(), request_id: 'r', time: new Date().toISOString(), model: 'grammar-tutor', digest, arm: 'a', role: 'canary',
        input: 'he goed', output: 'he went', usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 },
        latency_ms: 5, upstream_latency_ms: 4, status: 'ok',
      };
      const counted = new Promise<void>((resolve) => {
        const check = async () => ((await store.all()).length > 0 ? resolve() : setTimeout(check, 20));
        void check();
      });
      await nc.jetstream().publish(`${ns}.inference.completed`, JSONCodec().encode(event), { msgID: event.event_id });
      await counted;
      const [rollup] = await store.all();
      expect(rollup).toMatchObject({ digest, role: 'canary', requests: 1, usd: 4, defaultPriced: 1 });
      const metrics = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toContain(`lynx_cost_usd_total{model="grammar-tutor",digest="${digest}",role="canary",app="cost-emitter"} 4`);
      expect(metrics.body).toMatch(/lynx_cost_per_1k_tokens\{[^}]*\} 2\.6666/);
      // The registry is unreachable: the flush keeps the rollup pending instead of dropping it.
      const result = await app.get(CostService).flusher.flushOnce(Date.now() + 2 * 3600_000);
      expect(result).toEqual({ posted: 0, rejected: 0, failed: 1 });
    } finally {
      await store.clear();
      await app.close();
      const jsm = await nc.jetstreamManager();
      for (const s of ['INFERENCE', 'COST']) await jsm.streams.delete(`${ns.toUpperCase()}_${s}`).catch(() => undefined);
      await nc.close();
    }
  });
});
