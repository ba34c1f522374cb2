import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { UsageRollupRequest } from '@lynx/schema';
import { usageRollupRequestSchema } from '@lynx/schema';
import { VersionNotFoundError } from '@lynx/schema';
import { RollupStore } from '../rollup/rollup-store';
import type { PricedEvent } from '../pricing/price-event';
import { RollupFlusher, type CostRollupEvent } from './rollup-flusher';

// Real Redis; the registry side is the flusher's target interface, answering as the registry does.

const H = 3_600_000;
const t0 = Date.UTC(2025, 0, 1, 10);

function priced(over: Partial<PricedEvent>): PricedEvent {
  return {
    eventId: randomUUID(), model: 'grammar-tutor', digest: `sha256:${'a'.repeat(64)}`, role: 'primary', timeMs: t0 + 60_000,
    promptTokens: 10, completionTokens: 5, usd: 0.001, error: false, estimated: false, defaultPriced: false, ...over,
  };
}

describe('RollupFlusher', () => {
  let redis: Redis;
  let store: RollupStore;
  beforeAll(() => {
    redis = new Redis(process.env.LYNX_REDIS_URL ?? 'redis://127.0.0.1:6379');
  });
  afterAll(() => redis.quit());
  beforeEach(() => {
    store = new RollupStore(redis, { prefix: `t${randomUUID().slice(0, 8)}:cost` });
  });
  afterEach(() => store.clear());

  it('posts only closed windows, keeps failed ones pending until the registry answers, drops 4xx', async () => {
    await store.apply([
      priced({}),
      priced({ timeMs: t0 + 120_000, estimated: true }),
      priced({ role: 'shadow' }),
      priced({ timeMs: t0 + H + 1 }), // next window: still open at flush time
      priced({ digest: `sha256:${'f'.repeat(64)}` }), // unknown to the registry
    ]);
    const posted = new Map<string, UsageRollupRequest>();
    const published: CostRollupEvent[] = [];
    let registryUp = false;
    const flusher = new RollupFlusher(
      store,
      {
        postUsage: async (_model, digest, body) => {
          if (digest.endsWith('f'.repeat(64))) throw new VersionNotFoundError('no such version');
          if (!registryUp) throw new Error('connect ECONNREFUSED');
          posted.set(body.rollup_id, usageRollupRequestSchema.parse(body));
        },
        publish: async (event) => void published.push(event),
      },
      60_000,
    );
    const now = t0 + H + 30_000; // half a minute after the first window closed: inside the grace period
    expect(await flusher.flushOnce(now)).toEqual({ posted: 0, rejected: 0, failed: 0 });
    expect(await flusher.flushOnce(now + 60_000)).toEqual({ posted: 0, rejected: 1, failed: 2 });
    expect(posted.size).toBe(0);
    registryUp = true;
    expect(await flusher.flushOnce(now + 60_000)).toEqual({ posted: 2, rejected: 0, failed: 0 });
    expect(await flusher.flushOnce(now + 60_000)).toEqual({ posted: 0, rejected: 0, failed: 0 });
    const bodies = [...posted.values()].sort((a, b) => a.role.localeCompare(b.role));
    expect(bodies.map((b) => [b.role, b.requests, b.prompt_tokens, b.usage_estimated])).toEqual([
      ['primary', 2, 20, true],
      ['shadow', 1, 10, false],
    ]);
    expect(published.map((e) => e.rollup_id).sort()).toEqual([...posted.keys(), published.find((e) => e.digest.endsWith('f'.repeat(64)))!.rollup_id].sort());
    expect(published.find((e) => e.role === 'primary' && e.digest.endsWith('a'.repeat(64)))?.usd_per_1k_tokens).toBeCloseTo(0.002 / 0.03, 9);
  });

  it('posts events that arrive after their window was flushed as a part of their own, once', async () => {
    const posted = new Map<string, UsageRollupRequest>();
    const flusher = new RollupFlusher(store, { postUsage: async (_m, _d, body) => void posted.set(body.rollup_id, usageRollupRequestSchema.parse(body)) }, 0);
    const now = t0 + H + 1;
    await store.apply([priced({}), priced({ timeMs: t0 + 120_000 })]);
    expect(await flusher.flushOnce(now)).toEqual({ posted: 1, rejected: 0, failed: 0 });
    await store.apply([priced({ timeMs: t0 + 180_000, promptTokens: 7, estimated: true })]); // late: its window was flushed
    expect(await flusher.flushOnce(now + 1000)).toEqual({ posted: 1, rejected: 0, failed: 0 });
    expect(await flusher.flushOnce(now + 2000)).toEqual({ posted: 0, rejected: 0, failed: 0 });
    const [first, late] = [...posted.values()];
    expect([first.requests, first.prompt_tokens, first.usage_estimated]).toEqual([2, 20, false]);
    expect([late.requests, late.prompt_tokens, late.usage_estimated, late.cost_usd]).toEqual([1, 7, true, 0.001]);
    expect(late.rollup_id).toBe(`${first.rollup_id}:after:2`);
    expect(late.window_start).toBe(first.window_start);
    // Every request is in exactly one posted rollup.
    expect([...posted.values()].reduce((n, b) => n + b.requests, 0)).toBe(3);
  });

  it('keeps pending what was counted between the read it posted and the mark', async () => {
    const posted: UsageRollupRequest[] = [];
    const flusher = new RollupFlusher(
      store,
      {
        // An event is counted while the first post is on its way.
        postUsage: async (_m, _d, body) => {
          if (posted.length === 0) await store.apply([priced({ timeMs: t0 + 240_000 })]);
          posted.push(body);
        },
      },
      0,
    );
    await store.apply([priced({})]);
    expect(await flusher.flushOnce(t0 + H + 1)).toEqual({ posted: 1, rejected: 0, failed: 0 });
    expect(await flusher.flushOnce(t0 + H + 2)).toEqual({ posted: 1, rejected: 0, failed: 0 });
    expect(posted.map((b) => b.requests)).toEqual([1, 1]);
    expect(posted[1].rollup_id).toBe(`${posted[0].rollup_id}:after:1`);
  });
});
