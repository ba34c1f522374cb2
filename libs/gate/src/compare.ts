import { twoProportionZTest, wilsonInterval } from '@lynx/math';
import type { EvalBaseline, EvalResult, GateBucketResult } from '@lynx/schema';

export interface GateComparison {
  passed: boolean;
  tolerance: number;
  buckets: GateBucketResult[];
}

// Accuracies are stored rounded to 6 decimals; a candidate equal to the threshold must pass.
const EPSILON = 1e-9;
const round = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Compares a candidate's eval result with the baseline, bucket by bucket: a bucket passes when
 * candidate ≥ baseline − tolerance. A baseline bucket the candidate lacks is `missing` (fails);
 * a candidate bucket the baseline lacks is `new` (reported, never fails). Each row carries the
 * candidate's Wilson 95 % interval and the two-sided two-proportion z-test p-value against the
 * baseline's counts (baseline passes = round(accuracy · n)), so a reader sees whether a delta is
 * noise; the verdict itself is the tolerance rule, as the baseline promises.
 */
export function compareToBaseline(baseline: EvalBaseline, candidate: EvalResult, tolerance = baseline.tolerance_pp): GateComparison {
  if (!(tolerance >= 0 && tolerance <= 1)) throw new RangeError(`tolerance must be in [0, 1], got ${tolerance}`);
  const names = [...new Set([...Object.keys(baseline.buckets), ...Object.keys(candidate.buckets)])].sort();
  const buckets = names.map((bucket): GateBucketResult => {
    const base = baseline.buckets[bucket];
    const cand = candidate.buckets[bucket];
    const ci = cand && cand.n > 0 ? wilsonInterval(cand.passed, cand.n) : undefined;
    const row = {
      bucket,
      baseline: base ? base.accuracy : null,
      candidate: cand ? cand.accuracy : null,
      delta: base && cand ? round(cand.accuracy - base.accuracy) : null,
      n: cand ? cand.n : 0,
      ci_lower: ci ? round(ci.lower) : null,
      ci_upper: ci ? round(ci.upper) : null,
      p_value: null as number | null,
    };
    if (!base) return { ...row, verdict: 'new' };
    if (!cand || cand.n === 0) return { ...row, verdict: 'missing' };
    if (base.n > 0) {
      const basePassed = Math.min(base.n, Math.round(base.accuracy * base.n));
      row.p_value = twoProportionZTest(cand.passed, cand.n, basePassed, base.n).pValue;
    }
    const ok = cand.accuracy >= base.accuracy - tolerance - EPSILON;
    return { ...row, verdict: ok ? 'pass' : 'regression' };
  });
  return { passed: buckets.every((b) => b.verdict === 'pass' || b.verdict === 'new'), tolerance, buckets };
}

/** The buckets that failed the gate (regression or missing). */
export function failingBuckets(comparison: GateComparison): GateBucketResult[] {
  return comparison.buckets.filter((b) => b.verdict === 'regression' || b.verdict === 'missing');
}
