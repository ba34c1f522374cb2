import { mannWhitneyU, requiredInformation } from '@lynx/math';
import type { CanaryStep } from '@lynx/schema';
import { type CanaryStage, canaryStages, stageIndexFor } from './canary-stages';
import { type SequentialLook, type SequentialState, newSequentialState, sequentialProportionLook } from './canary-sequential';
import { percentile } from './percentile';

/**
 * Canary analysis as a pure reducer `(state, measurement) → {state, decision}`, shared by the
 * gate's analysis job and the decisions benchmark. Modelled on Argo Rollouts' steps and
 * AnalysisRun (successful / failed / inconclusive), with statistics that hold up to repeated looks:
 *  - each stage (setWeight) runs two one-sided group-sequential tests — the canary's pass rate
 *    lower than stable's, its error rate higher — over the stage's accumulated counts, with
 *    Lan–DeMets O'Brien–Fleming alpha spending (see sequentialProportionLook);
 *  - their horizon is a power calculation: the information that detects `passRateDrop` (at the
 *    worst-case variance p = ½, so it does not depend on the data) and a rise of the error rate
 *    from `baseErrorRate` to `errorRateFactor` × it, at one-sided `alpha` with `power`;
 *  - too little information is inconclusive: hold and keep collecting, never step;
 *  - a rejection aborts at once (weight 0); both tests accepted, the stage's pause served and the
 *    latency check passed (Mann–Whitney U, one-sided, plus a material p99 rise) step to the next
 *    stage — or, after the last (whose weight is < 100, so stable still has traffic), complete.
 */

export interface ArmCounts {
  requests: number;
  errors: number;
  /** Requests whose answer was judged (feedback or the tutor's grader), and how many passed. */
  graded: number;
  passed: number;
}

/** One interval's new traffic per arm (counts since the previous measurement) and latency samples. */
export interface ArmMeasurement extends ArmCounts {
  latencies: number[];
}

export interface CanaryMeasurement {
  stable: ArmMeasurement;
  canary: ArmMeasurement;
}

export interface CanaryPolicy {
  /** Argo-style steps; a plan's own steps replace these. */
  steps: CanaryStep[];
  /** One-sided α of each sequential test (pass rate, error rate) per stage. */
  alpha: number;
  /** Power of each test at its effect. */
  power: number;
  /** Planned looks per stage (K). */
  looks: number;
  /** The pass-rate drop (absolute) the check must detect. */
  passRateDrop: number;
  /** The error rate the power calculation assumes for stable (a floor when stable's is lower). */
  baseErrorRate: number;
  /** The error-rate multiple the check must detect. */
  errorRateFactor: number;
  /** One-sided α of the latency check per stage. */
  latencyAlpha: number;
  /** A latency failure also needs canary p99 > stable p99 × this + latencySlackMs. */
  maxLatencyRatio: number;
  latencySlackMs: number;
  /** Latency samples per arm the check needs, and the most kept per arm per stage. */
  minLatencySamples: number;
  latencySamples: number;
}

export const DEFAULT_CANARY_STEPS: CanaryStep[] = [{ setWeight: 4 }, { pause: { measurements: 2 } }, { setWeight: 25 }, { pause: { measurements: 2 } }, { setWeight: 50 }, { pause: { measurements: 2 } }];

export const DEFAULT_CANARY_POLICY: CanaryPolicy = {
  steps: DEFAULT_CANARY_STEPS,
  alpha: 0.0015,
  power: 0.99,
  looks: 5,
  passRateDrop: 0.1,
  baseErrorRate: 0.01,
  errorRateFactor: 5,
  latencyAlpha: 0.001,
  maxLatencyRatio: 1.5,
  latencySlackMs: 25,
  minLatencySamples: 20,
  latencySamples: 500,
};

export type CanaryPhase = 'running' | 'aborted' | 'completed';

export interface CanaryAnalysisState {
  phase: CanaryPhase;
  stage: number;
  weight: number;
  /** Measurements with traffic in both arms at this stage. */
  measurements: number;
  stable: ArmCounts;
  canary: ArmCounts;
  latency: { stable: number[]; canary: number[] };
  passRate: SequentialState;
  errorRate: SequentialState;
}

export type CheckMetric = 'pass_rate' | 'error_rate' | 'latency';

export interface CanaryCheck {
  metric: CheckMetric;
  stable: number | null;
  canary: number | null;
  /** pass: no harm shown at the full horizon; fail: harm shown; inconclusive: collecting. */
  result: 'pass' | 'fail' | 'inconclusive';
  p_value: number | null;
  /** The α this look could spend; null when no look was taken. */
  boundary: number | null;
  /** Share of the power calculation's information reached at this stage (sequential checks). */
  information_fraction?: number;
  /** Canary observations (judged answers, or requests) at this stage, and the horizon at this weight. */
  canary_n: number;
  canary_needed?: number;
}

export type CanaryOutcome = 'successful' | 'failed' | 'inconclusive';
export type CanaryAction = 'step' | 'complete' | 'hold' | 'abort';

export interface CanaryDecision {
  outcome: CanaryOutcome;
  action: CanaryAction;
  /** The canary weight after this decision. */
  weight: number;
  checks: CanaryCheck[];
  reason: string;
}

const zero = (): ArmCounts => ({ requests: 0, errors: 0, graded: 0, passed: 0 });
const add = (a: ArmCounts, b: ArmCounts): ArmCounts => ({ requests: a.requests + b.requests, errors: a.errors + b.errors, graded: a.graded + b.graded, passed: a.passed + b.passed });
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const rate = (x: number, n: number) => (n === 0 ? null : r4(x / n));

export function validateCanaryPolicy(policy: CanaryPolicy): CanaryStage[] {
  const open = (name: string, v: number, lo: number, hi: number) => {
    if (typeof v !== 'number' || !(v > lo && v < hi)) throw new RangeError(`canary ${name} must be in (${lo}, ${hi}), got ${String(v)}`);
  };
  open('alpha', policy.alpha, 0, 0.5);
  open('latencyAlpha', policy.latencyAlpha, 0, 0.5);
  open('power', policy.power, 0.5, 1);
  open('passRateDrop', policy.passRateDrop, 0, 1);
  open('baseErrorRate', policy.baseErrorRate, 0, 1);
  if (!(policy.errorRateFactor > 1) || !(policy.baseErrorRate * policy.errorRateFactor < 1)) throw new RangeError('canary errorRateFactor must be > 1 with baseErrorRate × errorRateFactor < 1');
  if (!Number.isInteger(policy.looks) || policy.looks < 1 || policy.looks > 100) throw new RangeError('canary looks must be an integer in [1, 100]');
  if (!Number.isInteger(policy.minLatencySamples) || policy.minLatencySamples < 2) throw new RangeError('canary minLatencySamples must be an integer ≥ 2');
  if (!Number.isInteger(policy.latencySamples) || policy.latencySamples < policy.minLatencySamples) throw new RangeError('canary latencySamples must be an integer ≥ minLatencySamples');
  return canaryStages(policy.steps);
}

/** A new analysis at the stage matching `weight` (a plan's current canary weight). */
export function initialCanaryState(stages: readonly CanaryStage[], weight: number): CanaryAnalysisState {
  const stage = stageIndexFor(stages, weight);
  return freshStage('running', stage, weight > 0 ? weight : stages[stage].weight);
}

function freshStage(phase: CanaryPhase, stage: number, weight: number): CanaryAnalysisState {
  return { phase, stage, weight, measurements: 0, stable: zero(), canary: zero(), latency: { stable: [], canary: [] }, passRate: newSequentialState(), errorRate: newSequentialState() };
}

/** Per-observation variances the power calculation plans with, and the effect each check must detect. */
function designs(policy: CanaryPolicy) {
  const e0 = policy.baseErrorRate;
  const e1 = e0 * policy.errorRateFactor;
  return {
    pass_rate: { delta: policy.passRateDrop, vStable: 0.25, vCanary: 0.25 },
    error_rate: { delta: e1 - e0, vStable: e0 * (1 - e0), vCanary: e1 * (1 - e1) },
  };
}

const information = (v: { vStable: number; vCanary: number }, nStable: number, nCanary: number) => (nStable === 0 || nCanary === 0 ? 0 : 1 / (v.vCanary / nCanary + v.vStable / nStable));

function toCheck(metric: CheckMetric, look: SequentialLook, stable: number | null, canary: number | null, canaryN: number, canaryNeeded: number): CanaryCheck {
  const result = look.result === 'reject' ? 'fail' : look.result === 'accept' ? 'pass' : 'inconclusive';
  return {
    metric,
    stable,
    canary,
    result,
    p_value: look.pValue === null ? null : r4(look.pValue),
    boundary: look.boundary,
    information_fraction: r4(look.fraction),
    canary_n: canaryN,
    canary_needed: Math.ceil(canaryNeeded),
  };
}

function latencyCheck(state: CanaryAnalysisState, policy: CanaryPolicy): CanaryCheck {
  const { stable, canary } = state.latency;
  const sp99 = percentile(stable, 99) ?? null;
  const cp99 = percentile(canary, 99) ?? null;
  if (stable.length < policy.minLatencySamples || canary.length < policy.minLatencySamples || sp99 === null || cp99 === null) {
    return { metric: 'latency', stable: sp99, canary: cp99, result: 'inconclusive', p_value: null, boundary: null, canary_n: canary.length, canary_needed: policy.minLatencySamples };
  }
  const { pValue } = mannWhitneyU(canary, stable, 'greater');
  const material = cp99 > sp99 * policy.maxLatencyRatio + policy.latencySlackMs;
  const result = pValue < policy.latencyAlpha && material ? 'fail' : 'pass';
  return { metric: 'latency', stable: sp99, canary: cp99, result, p_value: r4(pValue), boundary: policy.latencyAlpha, canary_n: canary.length };
}

const keepNewest = (old: number[], add: number[], max: number) => (old.length + add.length <= max ? old.concat(add) : old.concat(add).slice(-max));

/**
 * One measurement: folds the interval's counts into the stage, takes the sequential looks that
 * are due and decides. Pure: the same state and measurement always give the same result.
 */
export function reduceCanary(state: CanaryAnalysisState, m: CanaryMeasurement, policy: CanaryPolicy = DEFAULT_CANARY_POLICY, stages: readonly CanaryStage[] = canaryStages(policy.steps)): { state: CanaryAnalysisState; decision: CanaryDecision } {
  if (state.phase !== 'running') {
    return { state, decision: { outcome: 'inconclusive', action: 'hold', weight: state.weight, checks: [], reason: `the analysis is ${state.phase}` } };
  }
  const stable = add(state.stable, m.stable);
  const canary = add(state.canary, m.canary);
  const measured = m.stable.requests > 0 && m.canary.requests > 0;
  const latency = {
    stable: keepNewest(state.latency.stable, m.stable.latencies, policy.latencySamples),
    canary: keepNewest(state.latency.canary, m.canary.latencies, policy.latencySamples),
  };
  const d = designs(policy);
  const w = state.weight / 100;
  const plan = (v: { delta: number; vStable: number; vCanary: number }) => {
    const max = requiredInformation(v.delta, policy.alpha, policy.power);
    // Canary observations that reach `max` when stable gets (1 − w)/w of them.
    return { max, canaryNeeded: max * (v.vCanary + (v.vStable * w) / (1 - w)) };
  };
  const pp = plan(d.pass_rate);
  const pe = plan(d.error_rate);
  const passLook = sequentialProportionLook(
    state.passRate,
    { canaryHits: canary.passed, canaryN: canary.graded, stableHits: stable.passed, stableN: stable.graded },
    { harm: 'lower', alpha: policy.alpha, looks: policy.looks, information: information(d.pass_rate, stable.graded, canary.graded), maxInformation: pp.max },
  );
  const errorLook = sequentialProportionLook(
    state.errorRate,
    { canaryHits: canary.errors, canaryN: canary.requests, stableHits: stable.errors, stableN: stable.requests },
    { harm: 'higher', alpha: policy.alpha, looks: policy.looks, information: information(d.error_rate, stable.requests, canary.requests), maxInformation: pe.max },
  );
  const next: CanaryAnalysisState = { ...state, stable, canary, latency, measurements: state.measurements + (measured ? 1 : 0), passRate: passLook.state, errorRate: errorLook.state };
  const checks = [
    toCheck('pass_rate', passLook.look, rate(stable.passed, stable.graded), rate(canary.passed, canary.graded), canary.graded, pp.canaryNeeded),
    toCheck('error_rate', errorLook.look, rate(stable.errors, stable.requests), rate(canary.errors, canary.requests), canary.requests, pe.canaryNeeded),
  ];
  const failed = checks.filter((c) => c.result === 'fail');
  const describe = (c: CanaryCheck) => `${c.metric} canary ${c.canary} vs stable ${c.stable} (p ${c.p_value} < ${c.boundary === null ? '-' : c.boundary.toPrecision(3)})`;
  if (failed.length) {
    return { state: { ...next, phase: 'aborted' }, decision: { outcome: 'failed', action: 'abort', weight: 0, checks, reason: `at ${state.weight}%: ${failed.map(describe).join('; ')}; aborting` } };
  }
  const stage = stages[state.stage];
  const waiting = checks.filter((c) => c.result !== 'pass');
  if (waiting.length || next.measurements < stage.minMeasurements) {
    const why = waiting.length
      ? waiting.map((c) => `${c.metric} ${c.canary_n} of ${c.canary_needed} canary observations (${Math.round((c.information_fraction ?? 0) * 100)}% of the horizon)`).join(', ')
      : `pause: ${next.measurements} of ${stage.minMeasurements} measurements`;
    return { state: next, decision: { outcome: 'inconclusive', action: 'hold', weight: state.weight, checks, reason: `at ${state.weight}%, collecting: ${why}` } };
  }
  const lat = latencyCheck(next, policy);
  checks.push(lat);
  if (lat.result === 'fail') {
    return { state: { ...next, phase: 'aborted' }, decision: { outcome: 'failed', action: 'abort', weight: 0, checks, reason: `at ${state.weight}%: latency p99 ${lat.canary} vs stable ${lat.stable} (Mann–Whitney p ${lat.p_value}); aborting` } };
  }
  if (lat.result === 'inconclusive') {
    return { state: next, decision: { outcome: 'inconclusive', action: 'hold', weight: state.weight, checks, reason: `at ${state.weight}%, collecting: latency ${lat.canary_n} of ${policy.minLatencySamples} samples` } };
  }
  const following = stages[state.stage + 1];
  if (!following) {
    return { state: { ...next, phase: 'completed' }, decision: { outcome: 'successful', action: 'complete', weight: 100, checks, reason: `successful at ${state.weight}%, the last stage: complete` } };
  }
  return { state: freshStage('running', state.stage + 1, following.weight), decision: { outcome: 'successful', action: 'step', weight: following.weight, checks, reason: `successful at ${state.weight}%: step to ${following.weight}%` } };
}
