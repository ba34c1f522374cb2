import {
  EMPTY_BIN_EPSILON,
  chiSquareTest,
  countIntoBins,
  jensenShannonDistance,
  klDivergence,
  ksTwoSample,
  psi,
  quantileBinEdges,
  smoothProportions,
} from '@lynx/math';
import type { DriftThresholds, FeatureMetric, ThresholdPair } from '@lynx/schema';
import { CATEGORICALS, SCALARS } from '../features/features';
import type { ReferenceProfile } from '../profiles/profile';
import type { WindowAggregate } from './window-aggregate';

export type MetricName = 'kl' | 'js' | 'psi' | 'ks' | 'chi2';

/** One row of a report: FeatureMetric plus which metric it is and both thresholds. */
export type WorkerMetric = FeatureMetric & {
  metric: MetricName;
  value: number;
  watch: number;
  retrain: number | null;
  /** KS and chi-square flag tiny shifts on large windows: shown, never part of the decision. */
  advisory: boolean;
  /**
   * Categorical KL/JS only: whether the window's counts differ from the baseline's by more than
   * sampling noise (chi-square p < SIGNIFICANCE_ALPHA). Over a threshold but not significant →
   * verdict `ok`, with the verdict the value alone would have had in `unconfirmed`.
   */
  significant?: boolean;
  unconfirmed?: FeatureMetric['verdict'];
};

/**
 * A categorical KL/JS votes over its threshold only when the chi-square test of the window's counts
 * against the baseline's rejects "same distribution" at this level. The plug-in KL of k categories
 * over n events is biased upward by about (k−1)/(2n) nats (2n·KL is the G statistic, ≈ χ²(k−1)), so
 * a many-category histogram such as the verb lemma crosses a 0.05 line on a 1 000-event window
 * from sampling noise alone; the test keeps the effect-size threshold and adds a 1 % false-alarm rate.
 */
export const SIGNIFICANCE_ALPHA = 0.01;

export interface TopMover {
  feature: string;
  bucket: string;
  metric: string;
  score: number;
  reference_share: number;
  current_share: number;
}

/** Chi-square needs every expected count ≥ 5; smaller columns are pooled. */
const CHI_MIN_EXPECTED = 5;
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

/** Keeps an over-threshold categorical verdict only when the chi-square test says it is not noise. */
function confirmed(m: WorkerMetric, chi: { pValue: number } | null): WorkerMetric {
  const significant = chi !== null && chi.pValue < SIGNIFICANCE_ALPHA;
  if (m.verdict === 'ok' || significant) return { ...m, significant };
  return { ...m, significant, verdict: 'ok', unconfirmed: m.verdict };
}

function aligned(a: Record<string, number>, b: Record<string, number>): { labels: string[]; x: number[]; y: number[] } {
  const labels = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return { labels, x: labels.map((l) => a[l] ?? 0), y: labels.map((l) => b[l] ?? 0) };
}

/** 2×k chi-square of reference vs current, pooling columns whose expected count is below 5; null when under 2 columns remain. */
export function pooledChiSquare(ref: readonly number[], cur: readonly number[]) {
  const rs = ref.reduce((s, v) => s + v, 0);
  const cs = cur.reduce((s, v) => s + v, 0);
  if (rs === 0 || cs === 0) return null;
  const total = rs + cs;
  const keepRef: number[] = [];
  const keepCur: number[] = [];
  let poolRef = 0;
  let poolCur = 0;
  ref.forEach((r, i) => {
    const col = r + cur[i];
    if ((Math.min(rs, cs) * col) / total >= CHI_MIN_EXPECTED) {
      keepRef.push(r);
      keepCur.push(cur[i]);
    } else {
      poolRef += r;
      poolCur += cur[i];
    }
  });
  if ((Math.min(rs, cs) * (poolRef + poolCur)) / total >= CHI_MIN_EXPECTED) {
    keepRef.push(poolRef);
    keepCur.push(poolCur);
  }
  if (keepRef.length < 2) return null;
  return chiSquareTest([keepRef, keepCur]);
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
      // Too few counts for a chi-square (null): nothing shows the difference is more than noise.
      const chi = pooledChiSquare(b, c);
      metrics.push(confirmed(row(feature, 'categorical', side, 'kl', klDivergence(c, b), t.kl), chi));
      metrics.push(confirmed(row(feature, 'categorical', side, 'js', jensenShannonDistance(c, b), t.js), chi));
      if (chi) metrics.push(testRow(feature, 'categorical', side, 'chi2', chi, t.ksPValue));
      if (side === 'reference') all.push(...movers(feature, labels, b, c));
    }
  }
  for (const scalar of SCALARS) {
    const sample = (cur.samples[scalar] ?? []).filter(Number.isFinite);
    const profile = ref?.scalars[scalar];
    const bins = cur.bins[scalar];
    if (profile && bins && sum(bins) > 0) {
      metrics.push(row(scalar, 'scalar', 'reference', 'psi', psi(profile.counts, bins), t.psi));
      all.push(...movers(scalar, binLabels(profile.edges), profile.counts, bins));
    }
    if (profile && sample.length > 0) metrics.push(testRow(scalar, 'scalar', 'reference', 'ks', ksTwoSample(profile.sample, sample), t.ksPValue));
    if (!prev || prev.count === 0) continue;
    const prevSample = (prev.samples[scalar] ?? []).filter(Number.isFinite);
    const prevBins = prev.bins[scalar];
    if (bins && prevBins && sum(bins) > 0 && sum(prevBins) > 0) {
      metrics.push(row(scalar, 'scalar', 'previous', 'psi', psi(prevBins, bins), t.psi));
    } else if (prevSample.length > 0 && sample.length > 0) {
      // No reference edges (latency): bin both samples on the previous window's quantiles.
      const edges = quantileBinEdges(prevSample, 10);
      metrics.push(row(scalar, 'scalar', 'previous', 'psi', psi(countIntoBins(prevSample, edges), countIntoBins(sample, edges)), t.psi));
    }
    if (prevSample.length > 0 && sample.length > 0) metrics.push(testRow(scalar, 'scalar', 'previous', 'ks', ksTwoSample(prevSample, sample), t.ksPValue));
  }
  const topMovers = all.filter((m) => m.score > 0).sort((a, b) => b.score - a.score).slice(0, TOP_MOVERS);
  return { metrics, topMovers };
}

/** The strongest non-advisory verdict against the reference: what the decision is made of. */
export function rawLevel(metrics: readonly WorkerMetric[]): 'none' | 'watch' | 'retrain' {
  const deciding = metrics.filter((m) => !m.advisory && m.against === 'reference');
  if (deciding.some((m) => m.verdict === 'drift')) return 'retrain';
  if (deciding.some((m) => m.verdict === 'watch')) return 'watch';
  return 'none';
}
