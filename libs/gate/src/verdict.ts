import { type EvalResult, type GateVerdict, gateVerdictSchema } from '@lynx/schema';
import type { GateComparison } from './compare';
import { itemOutcomesDigest } from './paired/outcomes';

export type VerdictBody = Omit<GateVerdict, 'verdict_id'>;

export interface VerdictInput {
  model: string;
  candidate: EvalResult;
  comparison: GateComparison;
  baselineFileDigest: string;
  /** The baseline's content digest and outcomes digest, so the registry can recompute the decision. */
  baselineDigest?: string;
  baselineOutcomesDigest?: string;
  now?: Date;
}

/** The body of POST /v1/models/{name}/verdicts for a gate comparison (passed or refused). */
export function buildGateVerdict(input: VerdictInput): VerdictBody {
  return gateVerdictSchema.omit({ verdict_id: true }).parse({
    kind: 'gate',
    model: input.model,
    candidate_digest: input.candidate.model_digest,
    baseline_file_digest: input.baselineFileDigest,
    eval_set_digest: input.candidate.eval_set_digest,
    tolerance_pp: input.comparison.tolerance,
    passed: input.comparison.passed,
    buckets: input.comparison.buckets,
    created_at: (input.now ?? new Date()).toISOString(),
    decision: input.comparison.verdict,
    alpha: input.comparison.decision.alpha,
    fail_alpha: input.comparison.decision.failAlpha,
    baseline_digest: input.baselineDigest,
    baseline_outcomes_digest: input.baselineOutcomesDigest,
    candidate_outcomes_digest: input.candidate.items ? itemOutcomesDigest(input.candidate.items) : undefined,
  });
}

/**
 * A bootstrap verdict starts a model line that has no production version: nothing to compare
 * against, so it records the candidate's own numbers (baseline null, verdict `new`) and passes.
 * The registry refuses it once a production version exists.
 */
export function buildBootstrapVerdict(model: string, candidate: EvalResult, tolerance: number, now = new Date()): VerdictBody {
  const buckets = Object.keys(candidate.buckets)
    .sort()
    .map((bucket) => {
      const b = candidate.buckets[bucket];
      return { bucket, baseline: null, candidate: b.accuracy, delta: null, n: b.n, ci_lower: null, ci_upper: null, p_value: null, verdict: 'new' as const };
    });
  return gateVerdictSchema.omit({ verdict_id: true }).parse({
    kind: 'bootstrap',
    model,
    candidate_digest: candidate.model_digest,
    baseline_file_digest: null,
    eval_set_digest: candidate.eval_set_digest,
    tolerance_pp: tolerance,
    passed: true,
    buckets,
    created_at: now.toISOString(),
  });
}
