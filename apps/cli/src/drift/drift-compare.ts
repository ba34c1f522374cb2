import { countIntoBins, jensenShannonDistance, klDivergence, ksTwoSample, psi, quantileBinEdges } from '@lynx/math';
import { DRIFT_THRESHOLDS } from '@lynx/schema';
import { CliError } from '../exit';
import type { DriftInput } from './drift-input';

export type Verdict = 'none' | 'watch' | 'retrain';

export interface MetricRow {
  metric: 'PSI' | 'KL' | 'JS' | 'KS';
  value: number;
  /** Values at or above `watch` (below, for the KS p-value) mean "watch"; at or above `retrain`, "retrain". */
  watch: number;
  retrain: number | null;
  verdict: Verdict;
  /** KS only. */
  pValue?: number;
}

export interface DriftComparison {
  kind: 'histogram' | 'values';
  bins: string[];
  referenceCounts: number[];
  currentCounts: number[];
  metrics: MetricRow[];
  /** Decided by PSI alone; the other rows are advisory. */
  verdict: Verdict;
}

/** Thresholds (PSI, KL, JS, KS): libs/schema's DRIFT_THRESHOLDS, shared with the drift worker. */
export { DRIFT_THRESHOLDS };

function grade(value: number, t: { watch: number; retrain: number }): Verdict {
  return value >= t.retrain ? 'retrain' : value >= t.watch ? 'watch' : 'none';
}

/**
 * Compares two inputs of the same kind.
 * Histograms are aligned by bin label: the reference's order first, then labels only the
 * current file has; a label missing on one side counts 0 there (the empty-bin epsilon of
 * libs/math keeps KL/PSI finite). Raw samples are binned with quantile edges of the reference
 * (`bins` bins, ties merged), both samples counted into them, and KS runs on the raw values.
 */
export function compareDrift(reference: DriftInput, current: DriftInput, bins = 10): DriftComparison {
  if (reference.kind !== current.kind) {
    throw new CliError(`reference is ${describe(reference)} but current is ${describe(current)}; give both files the same shape`);
  }
  let labels: string[];
  let ref: number[];
  let cur: number[];
  let ks: ReturnType<typeof ksTwoSample> | undefined;
  if (reference.kind === 'histogram' && current.kind === 'histogram') {
    labels = [...reference.bins, ...current.bins.filter((b) => !reference.bins.includes(b))];
    const lookup = (h: typeof reference) => {
      const m = new Map(h.bins.map((b, i) => [b, h.counts[i]]));
      return labels.map((b) => m.get(b) ?? 0);
    };
    ref = lookup(reference);
    cur = lookup(current);
  } else if (reference.kind === 'values' && current.kind === 'values') {
    const edges = quantileBinEdges(reference.values, bins);
    labels = edges.slice(0, -1).map((e, i) => `[${fmt(e)}, ${fmt(edges[i + 1])}${i === edges.length - 2 ? ']' : ')'}`);
    ref = countIntoBins(reference.values, edges);
    cur = countIntoBins(current.values, edges);
    ks = ksTwoSample(reference.values, current.values);
  } else {
    throw new Error('unreachable');
  }
  const t = DRIFT_THRESHOLDS;
  const psiValue = psi(ref, cur);
  const klValue = klDivergence(cur, ref);
  const jsValue = jensenShannonDistance(ref, cur);
  const metrics: MetricRow[] = [
    { metric: 'PSI', value: psiValue, ...t.psi, verdict: grade(psiValue, t.psi) },
    { metric: 'KL', value: klValue, ...t.kl, verdict: grade(klValue, t.kl) },
    { metric: 'JS', value: jsValue, ...t.js, verdict: grade(jsValue, t.js) },
  ];
  if (ks) {
    metrics.push({
      metric: 'KS',
      value: ks.statistic,
      pValue: ks.pValue,
      watch: t.ksPValue,
      retrain: null,
      verdict: ks.pValue < t.ksPValue ? 'watch' : 'none',
    });
  }
  return { kind: reference.kind, bins: labels, referenceCounts: ref, currentCounts: cur, metrics, verdict: metrics[0].verdict };
}

/** The human table printed by `lynx drift compare`. */
export function formatDriftTable(c: DriftComparison): string {
  const rows = [['metric', 'value', 'watch', 'retrain', 'verdict']];
  for (const m of c.metrics) {
    if (m.metric === 'KS') {
      rows.push(['KS', `D=${fmt(m.value)} p=${fmt(m.pValue ?? NaN)}`, `p<${m.watch}`, '-', m.verdict]);
    } else {
      rows.push([m.metric === 'KL' ? 'KL(cur||ref)' : m.metric, fmt(m.value), String(m.watch), String(m.retrain), m.verdict]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
  lines.push('', `overall: ${c.verdict} (by PSI; ${c.bins.length} bins, ${c.kind === 'values' ? 'raw samples' : 'histograms'})`);
  return lines.join('\n');
}

function describe(i: DriftInput): string {
  return i.kind === 'values' ? 'raw samples ("values")' : 'a histogram ("bins"/"counts")';
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && Math.abs(v) < 1e-4) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}
