import { Registry } from 'prom-client';
import type { DriftReport } from '@lynx/schema';
import { DriftMetrics } from './drift-metrics';

const digest = `sha256:${'a'.repeat(64)}`;

function report(decision: DriftReport['decision'], kl: number): DriftReport {
  return {
    id: `r-${decision}`,
    model: 'grammar-tutor',
    digest,
    window: { id: 'w1', start: '2025-03-01T00:00:00Z', end: '2025-03-01T01:00:00Z' },
    count: 3000,
    decision,
    metrics: [
      { feature: 'lemma', kind: 'categorical', against: 'reference', kl, js: 0.2, psi: 0.9, threshold: 0.125, verdict: 'drift' },
      { feature: 'tokens', kind: 'scalar', against: 'reference', ks: { statistic: 0.31, pValue: 0.001 }, threshold: 0.1, verdict: 'watch' },
    ],
    top_movers: [],
  };
}

describe('DriftMetrics', () => {
  it('sets each feature value and one-hot decision from the last report of a version', async () => {
    const registry = new Registry();
    const m = new DriftMetrics(registry);
    m.record(report('retrain', 0.484));
    m.record(report('watch', 0.06));
    const json = await registry.getMetricsAsJSON();
    const values = (name: string) => json.find((x) => x.name === name)!.values as Array<{ labels: Record<string, string>; value: number }>;
    expect(values('lynx_drift_value').find((v) => v.labels.feature === 'lemma' && v.labels.metric === 'kl')!.value).toBe(0.06);
    expect(values('lynx_drift_value').find((v) => v.labels.feature === 'tokens' && v.labels.metric === 'ks')!.value).toBe(0.31);
    const decisions = Object.fromEntries(values('lynx_drift_decision').map((v) => [v.labels.decision, v.value]));
    expect(decisions).toEqual({ none: 0, watch: 1, retrain: 0, insufficient_data: 0, no_reference: 0 });
    expect(values('lynx_drift_window_events')[0].value).toBe(3000);
  });
});
