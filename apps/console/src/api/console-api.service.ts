import { Inject, Injectable } from '@nestjs/common';
import { buildShadowReport, makeJudge, type Judge } from '@lynx/gate';
import { costPerQualityUnit, wilsonInterval } from '@lynx/math';
import { readItems } from '@lynx/tutor';
import { SERVED_DIGESTS_MAX, ValidationError, isoTimeSchema } from '@lynx/schema';
import { CONSOLE_CONFIG, type ConsoleConfig } from '../console-config';
import { LiveStats } from '../live/live-stats';
import { endpoints, type Endpoints } from '../upstream/endpoints';
import { ServicesClient } from '../upstream/services.client';
import { atTime, type ServedLike } from '../views/at-time';
import { filterAudit } from '../views/audit-filter';

/** A part of a page from a service that may be down: the page shows the message instead. */
async function soft<T>(p: Promise<T>): Promise<{ value?: T; error?: string }> {
  try {
    return { value: await p };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const positiveInt = (name: string, v: string | undefined, max: number, dflt: number): number => {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ValidationError(`${name} must be an integer 1-${max}`, { [name]: v });
  return n;
};

/** The data of each console page, gathered from the services as the signed-in user. */
@Injectable()
export class ConsoleApiService {
  private judge?: Promise<Judge>;

  constructor(
    @Inject(ServicesClient) private readonly client: ServicesClient,
    @Inject(LiveStats) private readonly live: LiveStats,
    @Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig,
  ) {}

  api(token: string | null): Endpoints {
    return endpoints(this.client, token);
  }

  async models(token: string | null) {
    const api = this.api(token);
    const { models } = await api.models();
    return {
      models: await Promise.all(
        (models as Array<{ name: string; version_count: number; production_digest: string | null; latest_digest: string | null; created_at: string }>).map(async (m) => {
          const [prod, plan, drift, canary] = await Promise.all([
            m.production_digest ? soft(api.version(m.name, m.production_digest)) : Promise.resolve({ value: null }),
            soft(api.registryPlan(m.name)),
            soft(api.driftReports(m.name, 1)),
            soft(api.canary(m.name)),
          ]);
          const report = drift.value?.reports?.[0];
          return {
            name: m.name,
            version_count: m.version_count,
            production: m.production_digest ? { digest: m.production_digest, semver: prod.value?.semver ?? null } : null,
            plan: plan.value ? { strategy: plan.value.plan.strategy, revision: plan.value.revision, plan: plan.value.plan } : null,
            plan_error: plan.error ?? null,
            requests_last_hour: this.live.requestsLastHour(m.name),
            drift: report ? { decision: report.decision, window: report.window, digest: report.digest, id: report.id } : null,
            drift_error: drift.error ?? null,
            canary: canary.value ?? null,
            canary_error: canary.error ?? null,
          };
        }),
      ),
    };
  }

  /** Every version that served, most recent first (the Costs page and "what served at T"). */
  private async served(token: string | null, model: string): Promise<ServedLike[]> {
    const out: ServedLike[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const r = await this.api(token).served(model, cursor);
      out.push(...r.versions);
      if (!r.next_cursor) break;
      cursor = r.next_cursor;
    }
    return out;
  }

  /**
   * The serving figures of one page of versions: the registry answers a list of digests in one
   * indexed read, so a page costs the same at 10 000 versions as at 10 (reading the whole served
   * list was ten registry pages at 10 000, and made the first visit take seconds).
   */
  private async servedOf(token: string | null, model: string, digests: string[]): Promise<ServedLike[]> {
    const chunks: string[][] = [];
    for (let i = 0; i < digests.length; i += SERVED_DIGESTS_MAX) chunks.push(digests.slice(i, i + SERVED_DIGESTS_MAX));
    const answers = await Promise.all(chunks.map((c) => this.api(token).servedOf(model, c)));
    return answers.flatMap((a) => a.versions as ServedLike[]);
  }

  async versions(token: string | null, model: string, q: Record<string, string | undefined>) {
    const limit = positiveInt('limit', q.limit, 500, 50);
    const params = new URLSearchParams({ limit: String(limit) });
    for (const k of ['cursor', 'tag', 'status', 'alias'] as const) if (q[k]) params.set(k, q[k]!);
    const page = await this.api(token).versions(model, `?${params}`);
    const served = await this.servedOf(token, model, page.items.map((v: { digest: string }) => v.digest));
    const byDigest = new Map(served.map((s: any) => [s.digest, s]));
    return {
      model,
      next_cursor: page.next_cursor,
      items: page.items.map((v: any) => {
        const s: any = byDigest.get(v.digest);
        const accuracy = s?.latest_accuracy ?? (typeof v.metrics?.accuracy === 'number' ? v.metrics.accuracy : null);
        const usd = s?.cost_per_1k_tokens ?? null;
        return {
          digest: v.digest,
          semver: v.semver,
          status: v.status,
          aliases: v.aliases,
          variant: v.tags?.variant ?? null,
          tags: v.tags,
          created_at: v.created_at,
          accuracy,
          usd_per_1k_tokens: usd,
          cpqu: usd !== null && accuracy ? costPerQualityUnit(usd, accuracy) : null,
          requests: s?.requests ?? 0,
          first_served: s?.first_served ?? null,
          last_served: s?.last_served ?? null,
        };
      }),
    };
  }

  async at(token: string | null, model: string, t: string | undefined) {
    if (!t || !isoTimeSchema.safeParse(t).success) throw new ValidationError('t must be an ISO 8601 time with offset, e.g. 2025-01-01T12:00:00Z', { t });
    const api = this.api(token);
    const [history, served, plans] = await Promise.all([api.aliasHistory(model, 'production').catch(() => ({ moves: [] })), this.served(token, model), api.planHistory(model)]);
    return atTime(t, history.moves, served, plans.changes);
  }

  async version(token: string | null, model: string, ref: string) {
    const api = this.api(token);
    const version = await api.version(model, ref);
    const [manifest, lineage, verdicts, drift, audit] = await Promise.all([
      api.manifest(model, version.digest),
      api.lineage(model, version.digest),
      Promise.all((version.verdicts ?? []).map((v: { id: string }) => api.verdict(model, v.id).catch(() => v))),
      soft(api.driftReports(model, 500)),
      soft(api.audit(`?model=${encodeURIComponent(model)}&limit=500`)),
    ]);
    return {
      version,
      files: manifest.files,
      lineage,
      verdicts,
      drift_reports: (drift.value?.reports ?? []).filter((r: { digest: string }) => r.digest === version.digest),
      drift_error: drift.error ?? null,
      audit: (audit.value?.entries ?? []).filter((e: { digest: string | null }) => e.digest === version.digest),
      audit_error: audit.error ?? null,
    };
  }

  async traffic(token: string | null, model: string) {
    const api = this.api(token);
    const [routerPlan, registryPlan, history, canary] = await Promise.all([soft(api.routerPlan(model)), api.registryPlan(model), api.planHistory(model), soft(api.canary(model))]);
    return {
      model,
      plan: registryPlan ?? null,
      router: routerPlan.value ?? null,
      router_error: routerPlan.error ?? null,
      history: history.changes,
      arms: this.live.armStats(model),
      canary: canary.value ?? null,
      canary_error: canary.error ?? null,
    };
  }

  /**
   * Every measurement of the model's last rollout, newest first, as the gate keeps them. A route
   * of its own: the Traffic page reloads every second, the timeline only when a measurement lands.
   */
  async canaryTimeline(token: string | null, model: string) {
    return this.api(token).canaryMeasurements(model);
  }

  async drift(token: string | null, model: string, reportId: string | undefined) {
    const api = this.api(token);
    const { reports } = await api.driftReports(model, 200);
    // By default the newest report that compared something (a version without a profile has none).
    const chosen = reportId ? await api.driftReport(reportId) : (reports.find((r: { decision: string }) => r.decision !== 'no_reference') ?? reports[0]);
    const previous = chosen?.previous_window_id ? reports.find((r: any) => r.window.id === chosen.previous_window_id && r.digest === chosen.digest) ?? null : null;
    return { model, reports, report: chosen ?? null, previous };
  }

  async shadow(model: string) {
    const pairs = this.live.shadowPairs(model);
    const judge = await (this.judge ??= readItems(this.config.evalSet).then(makeJudge).catch(() => () => undefined));
    const report = buildShadowReport(model, pairs, judge, 50);
    const interval = (b: { n: number; passed: number }) => (b.n ? wilsonInterval(b.passed, b.n) : null);
    const buckets = [...new Set([...Object.keys(report.primary.buckets), ...Object.keys(report.shadow.buckets)])].sort().map((bucket) => {
      const p = report.primary.buckets[bucket];
      const s = report.shadow.buckets[bucket];
      return { bucket, primary: p ? { ...p, interval: interval(p) } : null, shadow: s ? { ...s, interval: interval(s) } : null };
    });
    // Agreement per minute, oldest first.
    const perMinute = new Map<string, { n: number; agreed: number }>();
    const norm = (x: string) => x.trim().replace(/\s+/g, ' ');
    for (const p of pairs) {
      if (p.primary.status !== 'ok' || p.shadow.status !== 'ok') continue;
      const k = `${p.time.slice(0, 16)}:00Z`;
      const c = perMinute.get(k) ?? { n: 0, agreed: 0 };
      c.n++;
      if (norm(p.primary.output) === norm(p.shadow.output)) c.agreed++;
      perMinute.set(k, c);
    }
    const agreement = [...perMinute].sort(([a], [b]) => a.localeCompare(b)).map(([t, c]) => ({ t, n: c.n, rate: c.agreed / c.n }));
    return { model, report, buckets, agreement };
  }

  async costs(token: string | null, model: string) {
    const served = await this.served(token, model);
    const rows = served.map((s: any) => ({
      digest: s.digest,
      semver: s.semver,
      requests: s.requests,
      tokens: s.tokens,
      accuracy: s.latest_accuracy,
      usd_per_1k_tokens: s.cost_per_1k_tokens,
      cpqu: s.cost_per_1k_tokens !== null && s.latest_accuracy ? costPerQualityUnit(s.cost_per_1k_tokens, s.latest_accuracy) : null,
    }));
    const accuracy = new Map(rows.map((r) => [r.digest, r.accuracy as number | null]));
    const series = this.live
      .costPoints(model)
      .filter((p) => p.tokens > 0)
      .map((p) => {
        const usd = (p.cost_usd / p.tokens) * 1000;
        const acc = accuracy.get(p.digest);
        return { digest: p.digest, t: p.window_end, usd_per_1k_tokens: usd, cpqu: acc ? costPerQualityUnit(usd, acc) : null, requests: p.requests };
      })
      .sort((a, b) => a.t.localeCompare(b.t));
    return { model, rows, series };
  }

  async audit(token: string | null, q: Record<string, string | undefined>) {
    const limit = positiveInt('limit', q.limit, 500, 100);
    const params = new URLSearchParams({ limit: '500' });
    if (q.model) params.set('model', q.model);
    if (q.before_id) params.set('before_id', q.before_id);
    const filtering = !!(q.actor || q.action || q.since || q.until);
    const out: any[] = [];
    let next: number | null = null;
    // Filters the registry does not apply are applied here over at most ten of its pages.
    for (let page = 0; page < (filtering ? 10 : 1); page++) {
      const r = await this.api(token).audit(`?${params}`);
      out.push(...filterAudit(r.entries, q));
      next = r.next_before_id;
      if (out.length >= limit || !next || r.entries.length < 500) break;
      params.set('before_id', String(next));
    }
    return { entries: out.slice(0, limit), next_before_id: out.length > limit ? out[limit - 1].id : next };
  }
}
