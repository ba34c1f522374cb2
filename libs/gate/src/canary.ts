import { twoProportionZTest } from '@lynx/math';

/**
 * Canary analysis, modelled on Argo Rollouts' AnalysisRun: each interval one measurement
 * compares the canary arm with the stable arm and comes out successful, failed or inconclusive.
 *  - inconclusive (too few requests in an arm): hold the weight, count nothing;
 *  - failed (any check fails): count a failure; when failures reach failureLimit, abort
 *    (weight 0) — otherwise hold and measure again;
 *  - successful: move to the next weight step; successful at 100 % completes the rollout.
 * Failures accumulate over the whole run, as Argo's failureLimit does.
 */

export interface ArmStats {
  requests: number;
  errors: number;
  /** p99 of total latency over the measurement's requests; null when there were none. */
  p99Ms: number | null;
  /** Requests whose answer was judged (feedback or the tutor's grader), and how many passed. */
  graded: number;
  passed: number;
}

export interface CanaryPolicy {
  steps: number[];
  failureLimit: number;
  /** Fewer requests than this in either arm → inconclusive. */
  minRequests: number;
  /** canary error rate ≤ stable error rate + this (absolute). */
  maxErrorRateIncrease: number;
  /** canary p99 ≤ stable p99 × this + latencySlackMs. */
  maxLatencyRatio: number;
  latencySlackMs: number;
  /**
   * The pass-rate check fails when the canary's pass rate is below the stable one by more than
   * this (absolute) AND the drop is significant (one-sided two-proportion z-test p < passRateAlpha),
   * so a few unlucky answers in a small window are not a failure. Needs minGraded judged answers per arm.
   */
  maxPassRateDrop: number;
  passRateAlpha: number;
  minGraded: number;
}

export const DEFAULT_CANARY_POLICY: CanaryPolicy = {
  steps: [5, 25, 50, 100],
  failureLimit: 2,
  minRequests: 20,
  maxErrorRateIncrease: 0.02,
  maxLatencyRatio: 1.5,
  latencySlackMs: 25,
  maxPassRateDrop: 0.05,
  passRateAlpha: 0.05,
  minGraded: 20,
};

export interface CanaryState {
  weight: number;
  failures: number;
}

export interface CanaryCheck {
  metric: 'error_rate' | 'p99_latency_ms' | 'pass_rate';
  stable: number | null;
  canary: number | null;
  limit: number | null;
  /** pass_rate only: one-sided p-value of "canary passes less often than stable". */
  p_value?: number;
  result: 'pass' | 'fail' | 'skipped';
}

export type CanaryOutcome = 'successful' | 'failed' | 'inconclusive';
export type CanaryAction = 'step' | 'complete' | 'hold' | 'abort';

export interface CanaryDecision {
  outcome: CanaryOutcome;
  action: CanaryAction;
  /** The canary weight after this decision. */
  weight: number;
  failures: number;
  checks: CanaryCheck[];
  reason: string;
}

const rate = (x: number, n: number) => (n === 0 ? 0 : x / n);
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

export function canaryChecks(stable: ArmStats, canary: ArmStats, policy: CanaryPolicy): CanaryCheck[] {
  const checks: CanaryCheck[] = [];
  const se = rate(stable.errors, stable.requests);
  const ce = rate(canary.errors, canary.requests);
  const errLimit = se + policy.maxErrorRateIncrease;
  checks.push({ metric: 'error_rate', stable: r4(se), canary: r4(ce), limit: r4(errLimit), result: ce <= errLimit + 1e-12 ? 'pass' : 'fail' });
  if (stable.p99Ms === null || canary.p99Ms === null) {
    checks.push({ metric: 'p99_latency_ms', stable: stable.p99Ms, canary: canary.p99Ms, limit: null, result: 'skipped' });
  } else {
    const limit = stable.p99Ms * policy.maxLatencyRatio + policy.latencySlackMs;
    checks.push({ metric: 'p99_latency_ms', stable: stable.p99Ms, canary: canary.p99Ms, limit: r4(limit), result: canary.p99Ms <= limit ? 'pass' : 'fail' });
  }
  if (stable.graded < policy.minGraded || canary.graded < policy.minGraded) {
    const sp = stable.graded ? r4(rate(stable.passed, stable.graded)) : null;
    const cp = canary.graded ? r4(rate(canary.passed, canary.graded)) : null;
    checks.push({ metric: 'pass_rate', stable: sp, canary: cp, limit: null, result: 'skipped' });
  } else {
    const sp = rate(stable.passed, stable.graded);
    const cp = rate(canary.passed, canary.graded);
    const limit = sp - policy.maxPassRateDrop;
    const { z, pValue } = twoProportionZTest(canary.passed, canary.graded, stable.passed, stable.graded);
    const significant = z < 0 && pValue / 2 < policy.passRateAlpha;
    const result = cp < limit - 1e-12 && significant ? 'fail' : 'pass';
    checks.push({ metric: 'pass_rate', stable: r4(sp), canary: r4(cp), limit: r4(limit), p_value: r4(z < 0 ? pValue / 2 : 1 - pValue / 2), result });
  }
  return checks;
}

/** The next weight step above `weight`, or undefined when `weight` is already the last (100). */
export function nextCanaryWeight(weight: number, steps: readonly number[]): number | undefined {
  const sorted = [...new Set([...steps.filter((s) => s > 0 && s <= 100), 100])].sort((a, b) => a - b);
  return sorted.find((s) => s > weight);
}

export function validateCanaryPolicy(policy: CanaryPolicy): void {
  if (!Array.isArray(policy.steps) || policy.steps.length === 0 || policy.steps.some((s) => !(s > 0 && s <= 100))) {
    throw new RangeError('canary steps must be weights in (0, 100]');
  }
  if (!Number.isInteger(policy.failureLimit) || policy.failureLimit < 1) throw new RangeError('canary failureLimit must be an integer ≥ 1');
  if (!Number.isInteger(policy.minRequests) || policy.minRequests < 1) throw new RangeError('canary minRequests must be an integer ≥ 1');
}

/** One measurement's decision: what to do with the canary's weight given both arms' stats. */
export function decideCanary(state: CanaryState, stable: ArmStats, canary: ArmStats, policy: CanaryPolicy = DEFAULT_CANARY_POLICY): CanaryDecision {
  validateCanaryPolicy(policy);
  if (stable.requests < policy.minRequests || canary.requests < policy.minRequests) {
    return {
      outcome: 'inconclusive',
      action: 'hold',
      weight: state.weight,
      failures: state.failures,
      checks: [],
      reason: `too few requests (stable ${stable.requests}, canary ${canary.requests}; need ${policy.minRequests} each)`,
    };
  }
  const checks = canaryChecks(stable, canary, policy);
  const failed = checks.filter((c) => c.result === 'fail');
  if (failed.length > 0) {
    const failures = state.failures + 1;
    const what = failed.map((c) => `${c.metric} ${c.canary} vs limit ${c.limit}`).join(', ');
    if (failures >= policy.failureLimit) {
      return { outcome: 'failed', action: 'abort', weight: 0, failures, checks, reason: `failure ${failures}/${policy.failureLimit}: ${what}; aborting` };
    }
    return { outcome: 'failed', action: 'hold', weight: state.weight, failures, checks, reason: `failure ${failures}/${policy.failureLimit}: ${what}` };
  }
  const next = nextCanaryWeight(state.weight, policy.steps);
  if (next === undefined) {
    return { outcome: 'successful', action: 'complete', weight: state.weight, failures: state.failures, checks, reason: `successful at ${state.weight}%: complete` };
  }
  return { outcome: 'successful', action: 'step', weight: next, failures: state.failures, checks, reason: `successful at ${state.weight}%: step to ${next}%` };
}
