import { pullBundle, pushBundle } from '@lynx/bundle';
import { RegistryClient, type AuditEntry, type RegistryClientOptions, type TrafficRecord, type VersionRecord } from '@lynx/registry-client';
import type { TrafficPlan } from '@lynx/schema';
import type { VerdictBody } from './verdict';

export type RegistryVersion = VersionRecord;
export type TrafficPlanState = TrafficRecord;
export type { AuditEntry };

/**
 * The registry calls the gate makes, in the gate's words, on the one registry client (a class so
 * Nest can provide it). Errors come back as the named errors of libs/schema with the registry's
 * stable code and status, so callers can tell `verdict_required` from a network fault.
 */
export class GateRegistryClient {
  readonly client: RegistryClient;

  constructor(url: string, token?: string | null, opts: Omit<RegistryClientOptions, 'url' | 'token'> = {}) {
    this.client = new RegistryClient({ ...opts, url, token });
  }

  version(model: string, ref: string): Promise<RegistryVersion> {
    return this.client.version(model, ref);
  }

  versions(model: string): Promise<RegistryVersion[]> {
    return this.client.allVersions(model);
  }

  /** The production digest, or null when the model line has none yet. */
  production(model: string): Promise<string | null> {
    return this.client.production(model);
  }

  recordVerdict(model: string, verdict: VerdictBody): Promise<{ id: string; passed: boolean }> {
    return this.client.recordVerdict(model, verdict);
  }

  /** A recorded verdict as the registry keeps it (with its source and the registry's own recomputation). */
  verdict(model: string, id: string): Promise<Record<string, unknown>> {
    return this.client.verdict(model, id);
  }

  /** The model's current registered baseline (without its outcomes), or null when none is registered. */
  currentBaseline(model: string): Promise<{ digest: string; eval_set_digest: string; outcomes_digest: string } | null> {
    return this.client.currentBaseline(model);
  }

  /**
   * Records a verdict this gate measured itself, with the candidate's per-item outcomes so the
   * registry recomputes the decision rather than trusting `passed`. It names the registered
   * baseline only when that is the one the gate compared against (same eval set and outcomes);
   * otherwise the registry recomputes against its current baseline anyway.
   */
  async recordMeasuredVerdict(model: string, verdict: VerdictBody, items: ReadonlyArray<{ id: string; correct: boolean }> | undefined): Promise<{ id: string; passed: boolean }> {
    if (!items) return this.recordVerdict(model, verdict);
    const registered = await this.currentBaseline(model);
    const same = registered && registered.eval_set_digest === verdict.eval_set_digest && registered.outcomes_digest === verdict.baseline_outcomes_digest;
    return this.client.recordVerdict(model, { ...verdict, items, ...(same ? { registered_baseline_digest: registered.digest } : {}) });
  }

  promote(model: string, body: { digest: string; semver: string; verdict_id: string; reason: string }): Promise<{ digest: string; semver: string }> {
    return this.client.promote(model, body);
  }

  addEvaluation(model: string, ref: string, result: unknown): Promise<unknown> {
    return this.client.addEvaluation(model, ref, result);
  }

  traffic(model: string): Promise<TrafficPlanState> {
    return this.client.traffic(model);
  }

  putTraffic(model: string, plan: TrafficPlan, reason: string, expectedRevision?: number): Promise<TrafficPlanState> {
    return this.client.putTraffic(model, { plan, reason, ...(expectedRevision === undefined ? {} : { expected_revision: expectedRevision }) });
  }

  /** The plan's changes, oldest first, each with its reason. */
  async trafficHistory(model: string): Promise<Array<{ revision: number; plan: TrafficPlan; reason: string | null }>> {
    return this.client.trafficHistory(model);
  }

  audit(model: string): Promise<AuditEntry[]> {
    return this.client.audit({ model });
  }

  /** Downloads `<model>@<ref>` into `dir` (new or empty), verified blob by blob and as a bundle. */
  async pull(model: string, ref: string, dir: string): Promise<string> {
    return (await pullBundle(this.client, model, ref, dir)).digest;
  }

  /** Uploads the blobs of a bundle folder and registers it; returns the version's digest. */
  async push(model: string, dir: string, lineage: Record<string, unknown> = { data: [] }): Promise<string> {
    return (await pushBundle(this.client, model, dir, { lineage })).digest;
  }
}
