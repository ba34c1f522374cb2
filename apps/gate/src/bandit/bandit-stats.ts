import type { Redis } from 'ioredis';
import type { BanditArmStats } from '@lynx/gate';
import type { LynxNames } from '@lynx/platform';

const TTL_SECONDS = 7 * 24 * 3600;

// Counts an event once: the event id is marked with SET NX in the same script that counts it,
// so a redelivered event (nak, restart) never counts twice.
// KEYS: seen mark, counts hash, models set. ARGV: ttl, model, then field/increment pairs.
const COUNT_ONCE = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) == false then return 0 end
for i = 3, #ARGV, 2 do redis.call('HINCRBY', KEYS[2], ARGV[i], tonumber(ARGV[i + 1])) end
redis.call('EXPIRE', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[2])
return 1
`;

type BanditRedis = Redis & { lynxBanditCountOnce(...args: Array<string | number>): Promise<number> };

/** Per (model, digest) counts the bandit reallocates from, in Redis under the namespace. */
export class BanditStatsStore {
  private readonly redis: BanditRedis;

  constructor(
    redis: Redis,
    private readonly names: LynxNames,
  ) {
    redis.defineCommand('lynxBanditCountOnce', { numberOfKeys: 3, lua: COUNT_ONCE });
    this.redis = redis as BanditRedis;
  }

  private counts(model: string, digest: string): string {
    return this.names.redisKey('gate', 'bandit', model, digest);
  }

  private modelsKey(): string {
    return this.names.redisKey('gate', 'bandit', 'models');
  }

  /** One answer of a bandit arm: its error, and the grader's judgment where it could judge. */
  recordRequest(eventId: string, model: string, digest: string, r: { error: boolean; judged?: boolean }): Promise<number> {
    const inc: Array<string | number> = ['requests', 1];
    if (r.error) inc.push('errors', 1);
    if (r.judged !== undefined) inc.push(r.judged ? 'successes' : 'failures', 1);
    return this.count(eventId, model, digest, inc);
  }

  /** A user's feedback on a bandit answer. */
  recordFeedback(eventId: string, model: string, digest: string, accepted: boolean): Promise<number> {
    return this.count(eventId, model, digest, [accepted ? 'successes' : 'failures', 1]);
  }

  private count(eventId: string, model: string, digest: string, inc: Array<string | number>): Promise<number> {
    return this.redis.lynxBanditCountOnce(this.names.redisKey('gate', 'bandit', 'seen', eventId), this.counts(model, digest), this.modelsKey(), TTL_SECONDS, model, ...inc);
  }

  async get(model: string, digest: string): Promise<BanditArmStats> {
    const h = await this.redis.hgetall(this.counts(model, digest));
    const n = (k: string) => Number(h[k] ?? 0);
    return { successes: n('successes'), failures: n('failures'), requests: n('requests'), errors: n('errors') };
  }

  models(): Promise<string[]> {
    return this.redis.smembers(this.modelsKey());
  }
}
