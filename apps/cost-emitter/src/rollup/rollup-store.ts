import type { Redis } from 'ioredis';
import { RedisEpoch } from '@lynx/platform';
import type { PricedEvent } from '../pricing/price-event';
import { windowStartOf, type Rollup, type RollupTotals } from './rollup';

/**
 * Rollups in Redis. Layout under `prefix` (the namespace's `<ns>:cost`):
 *  - `<prefix>:seen:<event id>`: set once per event (SET NX EX retention) — the dedup mark;
 *  - `<prefix>:rollup:<model>|<digest>|<role>|<window start ms>|<window end ms>`: a hash of
 *    requests, errors, prompt_tokens, completion_tokens, usd, estimated, default_priced,
 *    first_ms, last_ms (expires `retention` after its last write);
 *    and, once flushed, `flushed_*`: the totals posted (late events are posted as the difference);
 *  - `<prefix>:pending`: sorted set of rollup keys not yet flushed, scored by window end;
 *  - `<prefix>:epoch`: set at start; missing means Redis lost its data (the stream is replayed).
 * The dedup mark and the increments happen in one Lua script, so a redelivered event (crash
 * between the write and the ack, or a replay of the stream) never counts twice.
 */
// KEYS: pending, N seen keys, M rollup keys. ARGV: ttl, N, then per event (rollup index,
// prompt, completion, usd, flags, time ms), then per rollup its window end. Per event only the
// SET NX runs; the counted events' totals are summed in Lua and written once per rollup key,
// so a batch costs ~N + 10·M Redis commands instead of ~10·N.
const APPLY = `
local ttl = ARGV[1]
local n = tonumber(ARGV[2])
local m = #KEYS - 1 - n
local sums = {}
local out = {}
for i = 1, n do
  local b = 3 + (i - 1) * 6
  if redis.call('SET', KEYS[1 + i], '1', 'NX', 'EX', ttl) then
    local r = tonumber(ARGV[b])
    local s = sums[r]
    if not s then
      s = { req = 0, pt = 0, ct = 0, usd = 0, err = 0, est = 0, def = 0, first = nil, last = nil }
      sums[r] = s
    end
    s.req = s.req + 1
    s.pt = s.pt + tonumber(ARGV[b + 1])
    s.ct = s.ct + tonumber(ARGV[b + 2])
    s.usd = s.usd + tonumber(ARGV[b + 3])
    local flags = tonumber(ARGV[b + 4])
    if flags % 2 == 1 then s.err = s.err + 1 end
    if math.floor(flags / 2) % 2 == 1 then s.est = s.est + 1 end
    if math.floor(flags / 4) % 2 == 1 then s.def = s.def + 1 end
    local t = tonumber(ARGV[b + 5])
    if (not s.first) or t < s.first then s.first = t end
    if (not s.last) or t > s.last then s.last = t end
    out[i] = 1
  else
    out[i] = 0
  end
end
local ends = 3 + n * 6
for r, s in pairs(sums) do
  local rk = KEYS[1 + n + r]
  redis.call('HINCRBY', rk, 'requests', s.req)
  redis.call('HINCRBY', rk, 'prompt_tokens', s.pt)
  redis.call('HINCRBY', rk, 'completion_tokens', s.ct)
  redis.call('HINCRBYFLOAT', rk, 'usd', string.format('%.17g', s.usd))
  if s.err > 0 then redis.call('HINCRBY', rk, 'errors', s.err) end
  if s.est > 0 then redis.call('HINCRBY', rk, 'estimated', s.est) end
  if s.def > 0 then redis.call('HINCRBY', rk, 'default_priced', s.def) end
  local first = tonumber(redis.call('HGET', rk, 'first_ms'))
  if (not first) or s.first < first then redis.call('HSET', rk, 'first_ms', string.format('%d', s.first)) end
  local last = tonumber(redis.call('HGET', rk, 'last_ms'))
  if (not last) or s.last > last then redis.call('HSET', rk, 'last_ms', string.format('%d', s.last)) end
  redis.call('EXPIRE', rk, ttl)
  redis.call('ZADD', KEYS[1], 'NX', ARGV[ends + r - 1], rk)
end
return out
`;

export interface RollupStoreOptions {
  /** Key prefix, e.g. `lynx:cost` (the namespace keeps tests apart). */
  prefix: string;
  /** Rollup window; default 3600 (hourly). */
  windowSeconds?: number;
  /** How long dedup marks and rollups are kept; default 7 days. Must exceed the stream's redelivery horizon. */
  retentionSeconds?: number;
}

// KEYS: pending, rollup. ARGV: the posted totals (requests, errors, prompt, completion, usd,
// estimated, default priced), window end. Out of pending with what was posted recorded; back in
// when events counted since the read that was posted are not part of it.
const MARK_FLUSHED = `
redis.call('ZREM', KEYS[1], KEYS[2])
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('HSET', KEYS[2], 'flushed_requests', ARGV[1], 'flushed_errors', ARGV[2], 'flushed_prompt_tokens', ARGV[3],
  'flushed_completion_tokens', ARGV[4], 'flushed_usd', ARGV[5], 'flushed_estimated', ARGV[6], 'flushed_default_priced', ARGV[7])
if tonumber(redis.call('HGET', KEYS[2], 'requests') or '0') > tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], ARGV[8], KEYS[2])
end
return 1
`;

type CostRedis = Redis & {
  lynxCostApply(numKeys: number, ...args: Array<string | number>): Promise<number[]>;
  lynxCostMarkFlushed(numKeys: number, ...args: Array<string | number>): Promise<number>;
};

export class RollupStore {
  readonly windowSeconds: number;
  readonly retentionSeconds: number;
  /** Whether Redis still holds what this store wrote (see RedisEpoch). */
  readonly epoch: RedisEpoch;
  private readonly redis: CostRedis;

  constructor(redis: Redis, private readonly opts: RollupStoreOptions) {
    this.windowSeconds = opts.windowSeconds ?? 3600;
    this.retentionSeconds = opts.retentionSeconds ?? 7 * 24 * 3600;
    if (!('lynxCostApply' in redis)) redis.defineCommand('lynxCostApply', { lua: APPLY });
    if (!('lynxCostMarkFlushed' in redis)) redis.defineCommand('lynxCostMarkFlushed', { lua: MARK_FLUSHED });
    this.redis = redis as CostRedis;
    this.epoch = new RedisEpoch(redis, `${opts.prefix}:epoch`);
  }

  get pendingKey(): string {
    return `${this.opts.prefix}:pending`;
  }

  rollupKey(e: Pick<PricedEvent, 'model' | 'digest' | 'role' | 'timeMs'>): string {
    const start = windowStartOf(e.timeMs, this.windowSeconds);
    return `${this.opts.prefix}:rollup:${e.model}|${e.digest}|${e.role}|${start}|${start + this.windowSeconds * 1000}`;
  }

  /** Adds a batch of priced events in one script call; true for each event counted now, false for a repeat. */
  async apply(events: readonly PricedEvent[]): Promise<boolean[]> {
    if (events.length === 0) return [];
    const seen: string[] = [];
    const perEvent: Array<string | number> = [];
    const rollups = new Map<string, number>();
    for (const e of events) {
      const rk = this.rollupKey(e);
      let r = rollups.get(rk);
      if (r === undefined) {
        r = rollups.size + 1;
        rollups.set(rk, r);
      }
      seen.push(`${this.opts.prefix}:seen:${e.eventId}`);
      const flags = (e.error ? 1 : 0) + (e.estimated ? 2 : 0) + (e.defaultPriced ? 4 : 0);
      perEvent.push(r, e.promptTokens, e.completionTokens, e.usd.toPrecision(17), flags, e.timeMs);
    }
    const rollupKeys = [...rollups.keys()];
    const keys = [this.pendingKey, ...seen, ...rollupKeys];
    const args = [this.retentionSeconds, events.length, ...perEvent, ...rollupKeys.map(windowEndOf)];
    const out = await this.redis.lynxCostApply(keys.length, ...keys, ...args);
    return out.map((x) => x === 1);
  }

  /** Rollups whose window ended at or before `beforeMs` and were not flushed yet. */
  async closed(beforeMs: number, limit = 500): Promise<Array<{ key: string; rollup: Rollup }>> {
    const keys = await this.redis.zrangebyscore(this.pendingKey, '-inf', beforeMs, 'LIMIT', 0, limit);
    const out: Array<{ key: string; rollup: Rollup }> = [];
    for (const key of keys) {
      const rollup = await this.read(key);
      if (rollup) out.push({ key, rollup });
      else await this.redis.zrem(this.pendingKey, key); // expired before it could be flushed
    }
    return out;
  }

  /** Every rollup with something not posted yet (the pending set), for the live usage view. */
  async pending(limit = 10_000): Promise<Rollup[]> {
    const keys = await this.redis.zrange(this.pendingKey, 0, limit - 1);
    const out: Rollup[] = [];
    for (const key of keys) {
      const r = await this.read(key);
      if (r) out.push(r);
    }
    return out;
  }

  /** Every rollup still held (flushed or not), for reports and tests. */
  async all(): Promise<Rollup[]> {
    const out: Rollup[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.opts.prefix}:rollup:*`, 'COUNT', 1000);
      cursor = next;
      for (const k of keys) {
        const r = await this.read(k);
        if (r) out.push(r);
      }
    } while (cursor !== '0');
    return out;
  }

  async read(key: string): Promise<Rollup | undefined> {
    const h = await this.redis.hgetall(key);
    if (!h.requests) return undefined;
    const [model, digest, role, start, end] = key.slice(`${this.opts.prefix}:rollup:`.length).split('|');
    const num = (k: string) => Number(h[k] ?? 0);
    return {
      model,
      digest,
      role,
      windowStartMs: Number(start),
      windowEndMs: Number(end),
      requests: num('requests'),
      errors: num('errors'),
      promptTokens: num('prompt_tokens'),
      completionTokens: num('completion_tokens'),
      usd: num('usd'),
      estimated: num('estimated'),
      defaultPriced: num('default_priced'),
      firstMs: num('first_ms'),
      lastMs: num('last_ms'),
      ...(h.flushed_requests === undefined
        ? {}
        : {
            flushed: {
              requests: num('flushed_requests'),
              errors: num('flushed_errors'),
              promptTokens: num('flushed_prompt_tokens'),
              completionTokens: num('flushed_completion_tokens'),
              usd: num('flushed_usd'),
              estimated: num('flushed_estimated'),
              defaultPriced: num('flushed_default_priced'),
            },
          }),
    };
  }

  /**
   * Takes the rollup out of the pending set and records `posted` (the totals read for the flush)
   * as flushed. Events counted after that read keep it pending, and a late event puts it back:
   * the next flush posts only what was not posted yet (unflushedPart).
   */
  async markFlushed(key: string, posted: RollupTotals): Promise<void> {
    const p = posted;
    await this.redis.lynxCostMarkFlushed(2, this.pendingKey, key, p.requests, p.errors, p.promptTokens, p.completionTokens, p.usd.toPrecision(17), p.estimated, p.defaultPriced, windowEndOf(key));
  }

  /** Deletes every key under the prefix (tests and benchmarks clean up with it). */
  async clear(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.opts.prefix}:*`, 'COUNT', 5000);
      cursor = next;
      if (keys.length > 0) await this.redis.unlink(...keys);
    } while (cursor !== '0');
  }
}

function windowEndOf(rollupKey: string): string {
  return rollupKey.slice(rollupKey.lastIndexOf('|') + 1);
}
