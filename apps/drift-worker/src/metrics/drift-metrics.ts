import { Gauge, type Registry } from 'prom-client';
import { DRIFT_DECISIONS, type DriftReport } from '@lynx/schema';

const VALUES = ['kl', 'js', 'psi'] as const;

/**
 * The last window's drift per version as gauges, read from each report as it is published:
 * lynx_drift_value{feature, metric} (kl, js, psi, and ks as its statistic) and
 * lynx_drift_decision{decision} = 1 for the report's decision, 0 for the others, so an alert can
 * fire on `lynx_drift_decision{decision="retrain"} == 1`.
 */
export class DriftMetrics {
  private readonly value: Gauge<'model' | 'digest' | 'feature' | 'metric'>;
  private readonly decision: Gauge<'model' | 'digest' | 'decision'>;
  private readonly count: Gauge<'model' | 'digest'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.value = new Gauge({ name: 'lynx_drift_value', help: 'Drift of the last closed window against the reference, by version, feature and metric (kl|js|psi|ks)', labelNames: ['model', 'digest', 'feature', 'metric'], registers });
    this.decision = new Gauge({ name: 'lynx_drift_decision', help: '1 for the decision of the last closed window of a version (none|watch|retrain|insufficient_data|no_reference), 0 for the others', labelNames: ['model', 'digest', 'decision'], registers });
    this.count = new Gauge({ name: 'lynx_drift_window_events', help: 'Events in the last closed window of a version', labelNames: ['model', 'digest'], registers });
  }

  record(report: DriftReport): void {
    const v = { model: report.model, digest: report.digest };
    for (const m of report.metrics) {
      for (const metric of VALUES) {
        const x = m[metric];
        if (typeof x === 'number' && Number.isFinite(x)) this.value.set({ ...v, feature: m.feature, metric }, x);
      }
      if (m.ks) this.value.set({ ...v, feature: m.feature, metric: 'ks' }, m.ks.statistic);
    }
    for (const d of DRIFT_DECISIONS) this.decision.set({ ...v, decision: d }, d === report.decision ? 1 : 0);
    this.count.set(v, report.count);
  }
}
