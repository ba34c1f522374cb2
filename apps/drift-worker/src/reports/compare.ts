import { driftLevel, histogramDrift, pooledChiSquare, type DriftLevel, type HistogramDrift } from '@lynx/gate';
import { EMPTY_BIN_EPSILON, countIntoBins, jensenShannonDistance, ksTwoSample, quantileBinEdges, smoothProportions } from '@lynx/math';
import type { DriftThresholds, FeatureMetric, ThresholdPair } from '@lynx/schema';
import { CATEGORICALS, SCALARS } from '../features/features';
import type { ReferenceProfile } from '../profiles/profile';
import type { WindowAggregate } from './window-aggregate';

export type MetricName = 'kl' | 'js' | 'psi' | 'ks' | 'chi2';

/** One row of a report: FeatureMetric plus which metric it is and both thresholds. */
export type WorkerMetric = FeatureMetric & {
  metric: MetricName;
  /**
   * What the verdict is made of. KL and PSI: the bias-corrected value (plug-in minus its sampling
   * bias, see histogramDrift), which can be slightly negative when nothing moved; the plug-in
   * stays in the `kl` / `psi` field. JS: the plug-in distance (shown, not deciding).
   */
  value: number;
  watch: number;
  retrain: number | null;
  /**
   * Not part of the decision: KS and chi-square flag tiny shifts on large windows; JS distance
   * measures the same movement as KL, so only KL decides categoricals (PSI decides scalars).
   */
  advisory: boolean;
  /**
   * Categorical KL/JS only: whether the window's counts differ from the baseline's by more than
   * sampling noise (chi-square p < DRIFT_SIGNIFICANCE_ALPHA). Over a threshold but not significant →
   * verdict `ok`, with the verdict the value alone would have had in `unconfirmed`.
   */
  significant?: boolean;
  unconfirmed?: FeatureMetric['verdict'];
};


export interface TopMover {
  feature: string;
  bucket: string;
  metric: string;
  score: number;
  reference_share: number;
  current_share: number;
}

const TOP_MOVERS = 8;

function verdict(value: number, t: ThresholdPair): FeatureMetric['verdict'] {
  return value >= t.retrain ? 'drift' : value >= t.watch ? 'watch' : 'ok';
}

function row(feature: string, kind: 'categorical' | 'scalar', against: 'reference' | 'previous', metric: MetricName, value: number, t: ThresholdPair): WorkerMetric {
  return { feature, kind, against, metric, value, [metric]: value, threshold: t.watch, watch: t.watch, retrain: t.retrain, verdict: verdict(value, t), advisory: false };
}

function testRow(feature: string, kind: 'categorical' | 'scalar', against: 'reference' | 'previous', metric: 'ks' | 'chi2', r: { statistic: number; pValue: number; dof?: number }, alpha: number): WorkerMetric {
  const detail = metric === 'ks' ? { ks: { statistic: r.statistic, pValue: r.pValue } } : { chi2: { statistic: r.statistic, pValue: r.pValue, dof: r.dof as number } };
  return { feature, kind, against, metric, value: r.pValue, ...detail, threshold: alpha, watch: alpha, retrain: null, verdict: r.pValue < alpha ? 'watch' : 'ok', advisory: true };
}

/** The deciding row of a histogram: bias-corrected KL or PSI, confirmed by the chi-square (histogramDrift). */
function decidingRow(feature: string, kind: 'categorical' | 'scalar', against: 'reference' | 'previous', d: HistogramDrift, t: ThresholdPair): WorkerMetric {
  return {
    feature,
    kind,
    against,
    metric: d.metric,
    value: d.corrected,
    [d.metric]: d.raw,
    threshold: t.watch,
    watch: t.watch,
    retrain: t.retrain,
    verdict: d.verdict,
    advisory: false,
    significant: d.significant,
    ...(d.unconfirmed ? { unconfirmed: d.unconfirmed } : {}),
  };
}

function aligned(a: Record<string, number>, b: Record<string, number>): { labels: string[]; x: number[]; y: number[] } {
  const labels = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return { labels, x: labels.map((l) => a[l] ?? 0), y: labels.map((l) => b[l] ?? 0) };
}

function movers(feature: string, labels: readonly string[], ref: readonly number[], cur: readonly number[]): TopMover[] {
  const r = smoothProportions(ref, EMPTY_BIN_EPSILON);
  const c = smoothProportions(cur, EMPTY_BIN_EPSILON);
  return labels.map((bucket, i) => ({
    feature,
    bucket,
    metric: 'psi_term',
    score: (c[i] - r[i]) * Math.log(c[i] / r[i]),
    reference_share: r[i],
    current_share: c[i],
  }));
}

function binLabels(edges: readonly number[]): string[] {
  return edges.slice(0, -1).map((lo, i) => `[${lo}, ${edges[i + 1]}${i === edges.length - 2 ? ']' : ')'}`);
}

const sum = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0);

/**
 * Every metric of a closing window against the version's reference profile and against the
 * previous window of the same version, and the buckets that moved most against the reference.
 */
export function compareWindow(
  cur: WindowAggregate,
  ref: ReferenceProfile | null,
  prev: WindowAggregate | null,
  t: DriftThresholds,
): { metrics: WorkerMetric[]; topMovers: TopMover[] } {
  const metrics: WorkerMetric[] = [];
  const all: TopMover[] = [];
  if (cur.count === 0) return { metrics, topMovers: [] };
  for (const feature of CATEGORICALS) {
    const current = cur.categorical[feature] ?? {};
    const against: Array<['reference' | 'previous', Record<string, number> | undefined]> = [
      ['reference', ref?.categorical[feature]],
      ['previous', prev && prev.count > 0 ? prev.categorical[feature] : undefined],
    ];
    for (const [side, base] of against) {
      if (!base || sum(Object.values(base)) === 0) continue;
      const { labels, x: b, y: c } = aligned(base, current);
      metrics.push(decidingRow(feature, 'categorical', side, histogramDrift({ kind: 'categorical', reference: b, current: c, thresholds: t.kl }), t.kl));
      metrics.push({ ...row(feature, 'categorical', side, 'js', jensenShannonDistance(c, b), t.js), advisory: true });
      // Too few counts for a chi-square (null): nothing shows the difference is more than noise.
      const chi = pooledChiSquare(b, c);
      if (chi) metrics.push(testRow(feature, 'categorical', side, 'chi2', chi, t.ksPValue));
      if (side === 'reference') all.push(...movers(feature, labels, b, c));
    }
  }
  for (const scalar of SCALARS) {
    const sample = (cur.samples[scalar] ?? []).filter(Number.isFinite);
    const profile = ref?.scalars[scalar];
    const bins = cur.bins[scalar];
    if (profile && bins && sum(bins) > 0) {
      metrics.push(decidingRow(scalar, 'scalar', 'reference', histogramDrift({ kind: 'scalar', reference: profile.counts, current: bins, thresholds: t.psi }), t.psi));
      all.push(...movers(scalar, binLabels(profile.edges), profile.counts, bins));
    }
    if (profile && sample.length > 0) metrics.push(testRow(scalar, 'scalar', 'reference', 'ks', ksTwoSample(profile.sample, sample), t.ksPValue));
    if (!prev || prev.count === 0) continue;
    const prevSample = (prev.samples[scalar] ?? []).filter(Number.isFinite);
    const prevBins = prev.bins[scalar];
    if (bins && prevBins && sum(bins) > 0 && sum(prevBins) > 0) {
      metrics.push(decidingRow(scalar, 'scalar', 'previous', histogramDrift({ kind: 'scalar', reference: prevBins, current: bins, thresholds: t.psi }), t.psi));
    } else if (prevSample.length > 0 && sample.length > 0) {
      // No reference edges (latency): bin both samples on the previous window's quantiles.
      const edges = quantileBinEdges(prevSample, 10);
      const d = histogramDrift({ kind: 'scalar', reference: countIntoBins(prevSample, edges), current: countIntoBins(sample, edges), thresholds: t.psi });
      metrics.push(decidingRow(scalar, 'scalar', 'previous', d, t.psi));
    }
    if (prevSample.length > 0 && sample.length > 0) metrics.push(testRow(scalar, 'scalar', 'previous', 'ks', ksTwoSample(prevSample, sample), t.ksPValue));
  }
  const topMovers = all.filter((m) => m.score > 0).sort((a, b) => b.score - a.score).slice(0, TOP_MOVERS);
  return { metrics, topMovers };
}

/** The strongest non-advisory verdict against the reference: what the decision is made of (driftLevel). */
export function rawLevel(metrics: readonly WorkerMetric[]): DriftLevel {
  return driftLevel(metrics.filter((m) => !m.advisory && m.against === 'reference').map((m) => m.verdict));
}
