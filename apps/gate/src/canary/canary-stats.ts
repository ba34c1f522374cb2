import type { Redis } from 'ioredis';
import type { ArmCounts, ArmMeasurement, CanaryAnalysisState, CanaryDecision } from '@lynx/gate';
import type { LynxNames } from '@lynx/platform';
import { CANARY_HISTORY_MAX } from '@lynx/schema';

const TTL_SECONDS = 24 * 3600;
const STATE_TTL_SECONDS = 30 * TTL_SECONDS;

// Compare-and-set in one step on the server: a measurement takes seconds of registry calls, and a
// start (replace) or stop in between must not be overwritten by what it read before.
// The measurement joins the rollout's history in the same step, so the history holds exactly the
// measurements whose state was written (a dropped one is in neither).
// KEYS: state, stopped, history. ARGV: the analysis id the measurement read, the new state, its
// TTL, the measurement ('' for none), the most the history keeps.
const SET_IF_CURRENT = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
local id = cjson.decode(cur)['analysis_id']
if type(id) ~= 'string' then id = '' end
if id ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
if ARGV[4] ~= '' then
  redis.call('LPUSH', KEYS[3], ARGV[4])
  redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[5]) - 1)
  redis.call('EXPIRE', KEYS[3], ARGV[3])
end
return 1
`;

type CanaryRedis = Redis & { lynxCanaryMeasured(numKeys: number, ...args: Array<string | number>): Promise<number> };

/** What the analysis of one model keeps between measurements (GET /v1/gate/canaries/:model shows it). */
export interface CanaryState {
  failures: number;
  /** One per start: a measurement writes its result only while the analysis it read still runs. */
  analysis_id?: string;
  /** The plan's canary ref, and the digest it named when the analysis started. */
  canary?: string;
  canary_digest?: string;
  semver?: string;
  interval_ms?: number;
  started_at?: string;
  /** Why it started: through the API, or which plan change started or replaced it. */
  reason?: string;
  stopped?: { at: string; reason: string };
  last?: unknown;
  /** The sequential analysis (reduceCanary's state). */
  analysis?: CanaryAnalysisState;
  /** Each arm's cumulative counters as the last measurement read them: the next one takes the difference. */
  seen?: Record<string, ArmTotals>;
}

/** One measurement of a rollout as the timeline shows it: what was measured, what was decided. */
export interface CanaryMeasurementRecord {
  at: string;
  analysis_id: string | null;
  canary_digest: string;
  /** The stage and weight the measurement was taken at; `decision.weight` is the weight after it. */
  stage: number;
  weight: number;
  /** Requests in this interval per arm. */
  stable_requests: number;
  canary_requests: number;
  decision: CanaryDecision;
}

/** Cumulative counters of one digest, and how many latencies were ever recorded for it. */
export interface ArmTotals extends ArmCounts {
  latency_n: number;
}

const ZERO: ArmTotals = { requests: 0, errors: 0, graded: 0, passed: 0, latency_n: 0 };

/**
 * What arrived since `before`: the counters' differences and the latencies recorded since (the
 * list keeps the newest first, so those are its head). Counters that went backwards (keys expired
 * or were reset) count from zero.
 */
export function sinceLastRead(now: ArmTotals & { latencies: number[] }, before: ArmTotals | undefined): ArmMeasurement {
  const b = before && now.requests >= before.requests && now.graded >= before.graded ? before : ZERO;
  const fresh = Math.min(now.latencies.length, Math.max(0, now.latency_n - b.latency_n));
  return {
    requests: now.requests - b.requests,
    errors: Math.max(0, now.errors - b.errors),
    graded: now.graded - b.graded,
    passed: Math.max(0, now.passed - b.passed),
    latencies: now.latencies.slice(0, fresh),
  };
}

/**
 * Per-arm counters for canary analysis, in Redis: for each (model, digest) a hash of cumulative
 * requests, errors, graded, passed and latency_n, and a list of the newest `maxSamples` latencies.
 * Counters are never reset while an analysis reads them: each measurement records what it read
 * (state.seen) and takes the difference next time, so a measurement that is dropped (stopped or
 * replaced mid-way) loses nothing. Keys expire a day after the last write, so abandoned canaries
 * leave nothing behind; memory is bounded by maxSamples per digest.
 */
export class CanaryStatsStore {
  private readonly redis: CanaryRedis;

  constructor(
    redis: Redis,
    private readonly names: LynxNames,
    private readonly maxSamples: number,
    private readonly maxMeasurements = CANARY_HISTORY_MAX,
  ) {
    // A name of its own: a client shared with an older script keeps that one under its old name.
    if (!('lynxCanaryMeasured' in redis)) redis.defineCommand('lynxCanaryMeasured', { lua: SET_IF_CURRENT });
    this.redis = redis as CanaryRedis;
  }

  private key(model: string, digest: string, part: 'counts' | 'latency' | 'measurements'): string {
    return this.names.redisKey('gate', 'canary', model, digest, part);
  }

  private stateKey(model: string): string {
    return this.names.redisKey('gate', 'canary', model, 'state');
  }

  private stoppedKey(model: string): string {
    return this.names.redisKey('gate', 'canary', model, 'stopped');
  }

  async recordRequest(model: string, digest: string, r: { error: boolean; latencyMs: number; judged?: boolean }): Promise<void> {
    const counts = this.key(model, digest, 'counts');
    const latency = this.key(model, digest, 'latency');
    const m = this.redis.multi().hincrby(counts, 'requests', 1).hincrby(counts, 'latency_n', 1);
    if (r.error) m.hincrby(counts, 'errors', 1);
    if (r.judged !== undefined) {
      m.hincrby(counts, 'graded', 1);
      if (r.judged) m.hincrby(counts, 'passed', 1);
    }
    m.lpush(latency, String(r.latencyMs)).ltrim(latency, 0, this.maxSamples - 1).expire(counts, TTL_SECONDS).expire(latency, TTL_SECONDS);
    await m.exec();
  }

  async recordFeedback(model: string, digest: string, accepted: boolean): Promise<void> {
    const counts = this.key(model, digest, 'counts');
    const m = this.redis.multi().hincrby(counts, 'graded', 1);
    if (accepted) m.hincrby(counts, 'passed', 1);
    await m.expire(counts, TTL_SECONDS).exec();
  }

  async read(model: string, digest: string): Promise<ArmTotals & { latencies: number[] }> {
    // One MULTI, so latency_n and the list agree.
    const res = await this.redis.multi().hgetall(this.key(model, digest, 'counts')).lrange(this.key(model, digest, 'latency'), 0, -1).exec();
    const counts = (res?.[0]?.[1] ?? {}) as Record<string, string>;
    const latencies = (res?.[1]?.[1] ?? []) as string[];
    const n = (k: string) => Number(counts[k] ?? 0);
    return { requests: n('requests'), errors: n('errors'), graded: n('graded'), passed: n('passed'), latency_n: n('latency_n'), latencies: latencies.map(Number) };
  }

  async getState(model: string): Promise<CanaryState> {
    const [raw, stopped] = await this.redis.mget(this.stateKey(model), this.stoppedKey(model));
    const state: CanaryState = raw ? JSON.parse(raw) : { failures: 0 };
    return stopped ? { ...state, stopped: JSON.parse(stopped) } : state;
  }

  /** A new analysis: its state, and no stop recorded. */
  async startState(model: string, state: CanaryState): Promise<void> {
    await this.redis.multi().set(this.stateKey(model), JSON.stringify(state), 'EX', STATE_TTL_SECONDS).del(this.stoppedKey(model)).exec();
  }

  /** Records why the analysis stopped, beside its state (which it leaves as it is). */
  async markStopped(model: string, stopped: { at: string; reason: string }): Promise<void> {
    await this.redis.set(this.stoppedKey(model), JSON.stringify(stopped), 'EX', STATE_TTL_SECONDS);
  }

  /**
   * Writes a measurement's state only if the analysis `analysisId` is still the one running (not
   * stopped, not replaced by a new start); false when it is not, and nothing is written.
   */
  async setStateIfCurrent(model: string, analysisId: string | undefined, state: CanaryState, measurement?: CanaryMeasurementRecord): Promise<boolean> {
    const history = this.key(model, measurement?.canary_digest ?? state.canary_digest ?? '-', 'measurements');
    const entry = measurement ? JSON.stringify(measurement) : '';
    const written = await this.redis.lynxCanaryMeasured(3, this.stateKey(model), this.stoppedKey(model), history, analysisId ?? '', JSON.stringify(state), STATE_TTL_SECONDS, entry, this.maxMeasurements);
    return written === 1;
  }

  /** The rollout's measurements, newest first (at most `limit`, itself at most the history's bound). */
  async measurements(model: string, canaryDigest: string, limit = this.maxMeasurements): Promise<CanaryMeasurementRecord[]> {
    const raw = await this.redis.lrange(this.key(model, canaryDigest, 'measurements'), 0, Math.min(limit, this.maxMeasurements) - 1);
    return raw.map((r) => JSON.parse(r) as CanaryMeasurementRecord);
  }
}
