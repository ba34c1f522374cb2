import { Counter, Gauge, type Registry } from 'prom-client';
import { costPerQualityUnit } from '@lynx/math';
import { usdPer1kTokens } from '../rollup/rollup';
import type { PricedEvent } from '../pricing/price-event';

/**
 * The cost emitter's Prometheus series. Counters move only for events counted for the first
 * time (the Redis script says which), so a replay does not inflate them either.
 * lynx_cost_per_1k_tokens and lynx_cpqu are over everything this process has counted.
 */
export class CostMetrics {
  readonly tokens: Counter<'model' | 'digest' | 'role' | 'phase'>;
  readonly usd: Counter<'model' | 'digest' | 'role'>;
  readonly per1k: Gauge<'model' | 'digest'>;
  readonly cpqu: Gauge<'model' | 'digest'>;
  readonly accuracy: Gauge<'model' | 'digest'>;
  readonly events: Counter<'outcome'>;
  readonly unknownVersion: Counter<'model' | 'digest'>;
  readonly estimated: Counter<'model' | 'digest'>;
  readonly flushes: Counter<'outcome'>;
  private readonly totals = new Map<string, { model: string; digest: string; usd: number; tokens: number }>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.tokens = new Counter({ name: 'lynx_tokens_total', help: 'Tokens served, by version, role and phase (prompt|completion)', labelNames: ['model', 'digest', 'role', 'phase'], registers });
    this.usd = new Counter({ name: 'lynx_cost_usd_total', help: 'USD spent serving, by version and role', labelNames: ['model', 'digest', 'role'], registers });
    this.per1k = new Gauge({ name: 'lynx_cost_per_1k_tokens', help: 'USD per 1000 tokens served, by version', labelNames: ['model', 'digest'], registers });
    this.cpqu = new Gauge({ name: 'lynx_cpqu', help: 'Cost per quality unit: USD per 1k tokens / latest eval accuracy', labelNames: ['model', 'digest'], registers });
    this.accuracy = new Gauge({ name: 'lynx_eval_accuracy', help: 'Latest evaluation accuracy (0-1) of a version that served, as the registry records it', labelNames: ['model', 'digest'], registers });
    this.events = new Counter({ name: 'lynx_cost_events_total', help: 'Inference events read, by outcome (counted|duplicate|invalid)', labelNames: ['outcome'], registers });
    this.unknownVersion = new Counter({ name: 'lynx_cost_unknown_version_total', help: 'Events priced by the default entry: no price-book entry knows the version', labelNames: ['model', 'digest'], registers });
    this.estimated = new Counter({ name: 'lynx_cost_estimated_usage_total', help: 'Events whose token counts were estimated (no usage from the upstream)', labelNames: ['model', 'digest'], registers });
    this.flushes = new Counter({ name: 'lynx_cost_rollup_flushes_total', help: 'Rollups posted to the registry, by outcome (posted|rejected|failed)', labelNames: ['outcome'], registers });
    for (const outcome of ['counted', 'duplicate', 'invalid']) this.events.inc({ outcome }, 0);
  }

  /** Records one event counted for the first time. */
  counted(e: PricedEvent): void {
    const v = { model: e.model, digest: e.digest };
    this.tokens.inc({ ...v, role: e.role, phase: 'prompt' }, e.promptTokens);
    this.tokens.inc({ ...v, role: e.role, phase: 'completion' }, e.completionTokens);
    this.usd.inc({ ...v, role: e.role }, e.usd);
    if (e.defaultPriced) this.unknownVersion.inc(v);
    if (e.estimated) this.estimated.inc(v);
    const key = `${e.model}|${e.digest}`;
    const t = this.totals.get(key) ?? { ...v, usd: 0, tokens: 0 };
    t.usd += e.usd;
    t.tokens += e.promptTokens + e.completionTokens;
    this.totals.set(key, t);
  }

  /** Refreshes the per-version gauges; `accuracyOf` gives the latest eval accuracy when known. */
  updateGauges(accuracyOf: (model: string, digest: string) => number | undefined): void {
    for (const t of this.totals.values()) {
      const per1k = usdPer1kTokens(t.usd, t.tokens);
      if (per1k === null) continue;
      this.per1k.set({ model: t.model, digest: t.digest }, per1k);
      const accuracy = accuracyOf(t.model, t.digest);
      if (accuracy !== undefined) this.accuracy.set({ model: t.model, digest: t.digest }, accuracy);
      if (accuracy !== undefined && accuracy > 0) this.cpqu.set({ model: t.model, digest: t.digest }, costPerQualityUnit(per1k, accuracy));
    }
  }
}
