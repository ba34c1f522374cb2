import { pullBundle, pushBundle } from '@lynx/bundle';
import { LynxError, UpstreamUnavailableError, type TrafficPlan } from '@lynx/schema';
import type { VerdictBody } from './verdict';

export interface RegistryVersion {
  model: string;
  digest: string;
  semver: string | null;
  aliases: string[];
  lineage: { parent_digest?: string; data: Array<{ name: string; digest: string }> } & Record<string, unknown>;
  [key: string]: unknown;
}

export interface TrafficPlanState {
  model: string;
  revision: number;
  plan: TrafficPlan;
}

export interface AuditEntry {
  id: number;
  action: string;
  model: string | null;
  digest: string | null;
  reason: string | null;
  after: unknown;
}

/**
 * The registry calls the gate makes (REST, bearer token). Errors come back as LynxError with the
 * registry's stable code and status, so callers can tell `verdict_required` from a network fault.
 */
export class GateRegistryClient {
  private readonly base: string;

  constructor(url: string, private readonly token?: string) {
    this.base = url.replace(/\/+$/, '');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw new UpstreamUnavailableError(`registry unreachable at ${this.base}: ${(err as Error).message}`, { url: this.base });
    }
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const e = json?.error;
      throw new LynxError(e?.code ?? 'upstream_unavailable', e?.message ?? `registry answered ${res.status}`, res.status, e?.details);
    }
    return json as T;
  }

  private m(model: string): string {
    return `/v1/models/${encodeURIComponent(model)}`;
  }

  version(model: string, ref: string): Promise<RegistryVersion> {
    return this.call('GET', `${this.m(model)}/versions/${encodeURIComponent(ref)}`);
  }

  async versions(model: string): Promise<RegistryVersion[]> {
    const out: RegistryVersion[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `?limit=200&cursor=${encodeURIComponent(cursor)}` : '?limit=200';
      const page: { items: RegistryVersion[]; next_cursor: string | null } = await this.call('GET', `${this.m(model)}/versions${q}`);
      out.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return out;
  }

  /** The production digest, or null when the model line has none yet. */
  async production(model: string): Promise<string | null> {
    try {
      return (await this.version(model, 'production')).digest;
    } catch (err) {
      if (err instanceof LynxError && err.status === 404 && err.code !== 'model_not_found') return null;
      throw err;
    }
  }

  recordVerdict(model: string, verdict: VerdictBody): Promise<{ id: string; passed: boolean }> {
    return this.call('POST', `${this.m(model)}/verdicts`, verdict);
  }

  /** A recorded verdict as the registry keeps it (with its source and the registry's own recomputation). */
  verdict(id: string): Promise<Record<string, unknown>> {
    return this.call('GET', `/v1/models/_/verdicts/${encodeURIComponent(id)}`);
  }

  /** The model's current registered baseline (without its outcomes), or null when none is registered. */
  async currentBaseline(model: string): Promise<{ digest: string; eval_set_digest: string; outcomes_digest: string } | null> {
    try {
      return await this.call('GET', `${this.m(model)}/baselines/current`);
    } catch (err) {
      if (err instanceof LynxError && err.status === 404 && err.code !== 'model_not_found') return null;
      throw err;
    }
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
    return this.call('POST', `${this.m(model)}/verdicts`, { ...verdict, items, ...(same ? { registered_baseline_digest: registered.digest } : {}) });
  }

  promote(model: string, body: { digest: string; semver: string; verdict_id: string; reason: string }): Promise<{ digest: string; semver: string }> {
    return this.call('POST', `${this.m(model)}/promote`, body);
  }

  addEvaluation(model: string, ref: string, result: unknown): Promise<unknown> {
    return this.call('POST', `${this.m(model)}/versions/${encodeURIComponent(ref)}/evaluations`, result);
  }

  traffic(model: string): Promise<TrafficPlanState> {
    return this.call('GET', `/v1/traffic/${encodeURIComponent(model)}`);
  }

  putTraffic(model: string, plan: TrafficPlan, reason: string, expectedRevision?: number): Promise<TrafficPlanState> {
    return this.call('PUT', `/v1/traffic/${encodeURIComponent(model)}`, { plan, reason, ...(expectedRevision === undefined ? {} : { expected_revision: expectedRevision }) });
  }

  async audit(model: string): Promise<AuditEntry[]> {
    return (await this.call<{ entries: AuditEntry[] }>('GET', `/v1/audit?model=${encodeURIComponent(model)}`)).entries;
  }

  /** Downloads `<model>@<ref>` into `dir` (new or empty), verified blob by blob and as a bundle. */
  async pull(model: string, ref: string, dir: string): Promise<string> {
    return (await pullBundle({ url: this.base, token: this.token }, model, ref, dir)).digest;
  }

  /** Uploads the blobs of a bundle folder and registers it; returns the version's digest. */
  async push(model: string, dir: string, lineage: Record<string, unknown> = { data: [] }): Promise<string> {
    return (await pushBundle({ url: this.base, token: this.token }, model, dir, { lineage })).digest;
  }
}
