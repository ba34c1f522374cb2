import { type EvalBaseline, type EvalResult, type GateBucketResult, ValidationError } from '@lynx/schema';
import { GATE_FAIL_ALPHA, GATE_PASS_ALPHA } from './paired/constants';
import { decidePairedGate } from './paired/decide-paired-gate';
import type { BucketVerdict, GateBucketSpec, ItemOutcome, PairedGateDecision } from './paired/types';

export interface GateComparison {
  /** verdict === 'pass': the only outcome that may promote. */
  passed: boolean;
  verdict: BucketVerdict;
  tolerance: number;
  /** One row per bucket (sorted): the paired numbers, in the verdict body's shape. */
  buckets: GateBucketResult[];
  decision: PairedGateDecision;
}

/** What the paired comparison needs from the baseline side. */
export interface PairedBaseline {
  baseline: EvalBaseline;
  baselineOutcomes: ItemOutcome[];
  bucketSpecs: GateBucketSpec[];
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** The verdict body's rows from a paired decision; `delta` is candidate − baseline on the same items. */
export function bucketRows(decision: PairedGateDecision): GateBucketResult[] {
  return decision.buckets.map((b) => ({
    bucket: b.name,
    baseline: round(b.baselineAccuracy),
    candidate: round(b.candidateAccuracy),
    delta: round(b.diff),
    n: b.n,
    ci_lower: null,
    ci_upper: null,
    p_value: null,
    verdict: b.verdict,
    gating: b.gating,
    b: b.b,
    c: b.c,
    lower: b.lower,
    upper: b.upper,
  }));
}

/**
 * Compares a candidate's per-item outcomes with the baseline model's on the same items, bucket by
 * bucket (decidePairedGate): pass, fail or inconclusive. The candidate's eval result must carry
 * `items` (every evaluation path in @lynx/gate records them).
 */
export function compareToBaseline(paired: PairedBaseline, candidate: EvalResult, tolerance = paired.baseline.tolerance_pp): GateComparison {
  if (!candidate.items) {
    throw new ValidationError('the candidate eval result has no per-item outcomes (items); evaluate it with `lynx gate evaluate`, which records them');
  }
  const decision = decidePairedGate({
    baseline: paired.baselineOutcomes,
    candidate: candidate.items,
    buckets: paired.bucketSpecs,
    tolerance,
    alpha: paired.baseline.alpha ?? GATE_PASS_ALPHA,
    failAlpha: paired.baseline.fail_alpha ?? GATE_FAIL_ALPHA,
  });
  return { passed: decision.verdict === 'pass', verdict: decision.verdict, tolerance, buckets: bucketRows(decision), decision };
}

/** The gating buckets that failed. */
export function failingBuckets(comparison: GateComparison): GateBucketResult[] {
  return comparison.buckets.filter((b) => b.gating && b.verdict === 'fail');
}
