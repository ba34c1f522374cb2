import type { Redis } from 'ioredis';
import type { DriftCooldown, DriftDecisionState } from '@lynx/gate';
import type { ReferenceProfile } from '../profiles/profile';
import type { WorkerReport } from '../reports/worker-report';

/**
 * Profiles, reports and decision state in Redis under `<prefix>:` (prefix = `<namespace>:drift`):
 *   profile:<digest>          JSON ReferenceProfile (one per served version)
 *   report:<id>               JSON WorkerReport
 *   reports / reports:<model> sorted sets of report ids by window end
 *   state:<model>|<digest>    JSON DriftDecisionState (hysteresis)
 *   cooldown:<model>          JSON DriftCooldown: windows left before the model may ask to retrain again
 */
export class DocStore {
  constructor(
    private readonly redis: Redis,
    readonly prefix: string,
  ) {}

  private key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  async putProfile(profile: ReferenceProfile): Promise<void> {
    await this.redis.set(this.key('profile', profile.digest), JSON.stringify(profile));
  }

  async getProfile(digest: string): Promise<ReferenceProfile | null> {
    const raw = await this.redis.get(this.key('profile', digest));
    return raw ? (JSON.parse(raw) as ReferenceProfile) : null;
  }

  async hasProfile(digest: string): Promise<boolean> {
    return (await this.redis.exists(this.key('profile', digest))) === 1;
  }

  async putReport(report: WorkerReport): Promise<void> {
    const score = Date.parse(report.window.end);
    await this.redis
      .multi()
      .set(this.key('report', report.id), JSON.stringify(report))
      .zadd(this.key('reports'), score, report.id)
      .zadd(this.key('reports', report.model), score, report.id)
      .exec();
  }

  async getReport(id: string): Promise<WorkerReport | null> {
    const raw = await this.redis.get(this.key('report', id));
    return raw ? (JSON.parse(raw) as WorkerReport) : null;
  }

  /** Newest first. */
  async listReports(model: string | undefined, limit: number): Promise<WorkerReport[]> {
    const ids = await this.redis.zrevrange(model ? this.key('reports', model) : this.key('reports'), 0, limit - 1);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(...ids.map((id) => this.key('report', id)));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as WorkerReport);
  }

  async getState(memberKey: string): Promise<DriftDecisionState> {
    const raw = await this.redis.get(this.key('state', memberKey));
    return raw ? (JSON.parse(raw) as DriftDecisionState) : {};
  }

  async putState(memberKey: string, state: DriftDecisionState): Promise<void> {
    await this.redis.set(this.key('state', memberKey), JSON.stringify(state));
  }

  async getCooldown(model: string): Promise<DriftCooldown> {
    const raw = await this.redis.get(this.key('cooldown', model));
    // A wall-clock cooldown written by an older worker (a bare number) is read as none left.
    const parsed = raw ? (JSON.parse(raw) as unknown) : null;
    return parsed && typeof parsed === 'object' ? (parsed as DriftCooldown) : { left: 0 };
  }

  /**
   * A member's decision state and its model's cooldown in one MULTI: a close that stops between
   * them would, on its re-run, see its own retrain's cooldown and report `watch` instead.
   */
  async putStateAndCooldown(memberKey: string, state: DriftDecisionState, model: string, cooldown: DriftCooldown): Promise<void> {
    await this.redis.multi().set(this.key('state', memberKey), JSON.stringify(state)).set(this.key('cooldown', model), JSON.stringify(cooldown)).exec();
  }
}
