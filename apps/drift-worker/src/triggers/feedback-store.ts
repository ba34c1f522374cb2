import type { Redis } from 'ioredis';

/**
 * Counts judged answers (feedback: accepted or not) in Redis under `<prefix>:`:
 *   fbseen:<event_id>             dedup mark (TTL), so a redelivered event is counted once
 *   fb:<window_id>:<model>|<dig>  hash judged / passed: the window's live pass rate (performance)
 *   fbtotal:<model>               judged since the worker started counting (volume)
 *   fbtrained:<model>             fbtotal when the model was last retrained
 */
const COUNT_LUA = `
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) == false then return 0 end
redis.call('HINCRBY', KEYS[2], 'judged', 1)
redis.call('HINCRBY', KEYS[2], 'passed', tonumber(ARGV[2]))
redis.call('INCR', KEYS[3])
return 1
`;

export class FeedbackStore {
  constructor(
    private readonly redis: Redis,
    readonly prefix: string,
    private readonly dedupTtlMs: number,
  ) {}

  private key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  /** Counts one judged answer once; false when the event id was seen already. */
  async count(eventId: string, windowId: string, model: string, digest: string, passed: boolean): Promise<boolean> {
    const added = await this.redis.eval(COUNT_LUA, 3, this.key('fbseen', eventId), this.key('fb', windowId, `${model}|${digest}`), this.key('fbtotal', model), this.dedupTtlMs, passed ? 1 : 0);
    return added === 1;
  }

  async windowCounts(windowId: string, model: string, digest: string): Promise<{ judged: number; passed: number }> {
    const h = await this.redis.hgetall(this.key('fb', windowId, `${model}|${digest}`));
    return { judged: Number(h.judged ?? 0), passed: Number(h.passed ?? 0) };
  }

  /** Judged answers of the model since its last retrain. */
  async sinceTraining(model: string): Promise<number> {
    const [total, trained] = await this.redis.mget(this.key('fbtotal', model), this.key('fbtrained', model));
    return Number(total ?? 0) - Number(trained ?? 0);
  }

  /** A retrain of the model was queued: the volume count starts again from here. */
  async markTrained(model: string): Promise<void> {
    const total = (await this.redis.get(this.key('fbtotal', model))) ?? '0';
    await this.redis.set(this.key('fbtrained', model), total);
  }

  async lastFired(kind: string, model: string): Promise<number | null> {
    const v = await this.redis.get(this.key('fired', kind, model));
    return v === null ? null : Number(v);
  }

  async setFired(kind: string, model: string, at: number): Promise<void> {
    await this.redis.set(this.key('fired', kind, model), String(at));
  }

  /** When the schedule trigger of the model was first seen; the first occurrence after it fires. */
  async scheduleSince(model: string, now: number): Promise<number> {
    await this.redis.set(this.key('schedsince', model), String(now), 'NX');
    return Number(await this.redis.get(this.key('schedsince', model)));
  }

  /** The version of each model seen last at a window close: what a scheduled retrain retrains. */
  async setServed(model: string, digest: string): Promise<void> {
    await this.redis.hset(this.key('served'), model, digest);
  }

  async served(): Promise<Record<string, string>> {
    return this.redis.hgetall(this.key('served'));
  }
}
