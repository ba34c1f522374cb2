import { sampleSizeTwoProportions, twoProportionZTest, wilsonInterval } from '@lynx/math';

export interface AbArmInput {
  name: string;
  /** Judged requests (feedback or grader) and how many passed. */
  n: number;
  passed: number;
}

export interface AbArmResult extends AbArmInput {
  rate: number | null;
  ci_lower: number | null;
  ci_upper: number | null;
}

export type AbVerdict = 'ship' | 'hold' | 'inconclusive';

export interface AbAnalysis {
  control: AbArmResult;
  treatment: AbArmResult;
  mde: number;
  alpha: number;
  power: number;
  z: number | null;
  p_value: number | null;
  /** Per-arm sample size to detect `mde` over the control's rate; null while the control has no data. */
  required_per_arm: number | null;
  /** Judged requests still needed in the arm that has fewest. */
  remaining: number | null;
  verdict: AbVerdict;
  reason: string;
}

const arm = (a: AbArmInput): AbArmResult => {
  const ci = a.n > 0 ? wilsonInterval(a.passed, a.n) : undefined;
  return { ...a, rate: a.n > 0 ? a.passed / a.n : null, ci_lower: ci?.lower ?? null, ci_upper: ci?.upper ?? null };
};

/**
 * A/B significance with a fixed horizon: the sample size for the minimum detectable effect is
 * fixed up front (two-sided, α, power) from the control's pass rate; until both arms reach it the
 * verdict is `inconclusive` (peeking at p would inflate false positives). At the horizon, `ship`
 * when the treatment is better with p < α, else `hold` (keep the control).
 */
export function abAnalysis(controlIn: AbArmInput, treatmentIn: AbArmInput, opts: { mde?: number; alpha?: number; power?: number } = {}): AbAnalysis {
  const mde = opts.mde ?? 0.02;
  const alpha = opts.alpha ?? 0.05;
  const power = opts.power ?? 0.8;
  if (!(mde > 0 && mde < 1)) throw new RangeError(`mde must be in (0, 1), got ${mde}`);
  const control = arm(controlIn);
  const treatment = arm(treatmentIn);
  const base = { control, treatment, mde, alpha, power };
  if (control.rate === null || treatment.rate === null) {
    return { ...base, z: null, p_value: null, required_per_arm: null, remaining: null, verdict: 'inconclusive', reason: 'an arm has no judged requests yet' };
  }
  const p1 = control.rate;
  const p2 = p1 + mde <= 1 ? p1 + mde : p1 - mde;
  const required = Math.ceil(sampleSizeTwoProportions(p1, p2, alpha, power));
  const remaining = Math.max(0, required - Math.min(control.n, treatment.n));
  const { z, pValue } = twoProportionZTest(treatment.passed, treatment.n, control.passed, control.n);
  const stats = { ...base, z, p_value: pValue, required_per_arm: required, remaining };
  if (remaining > 0) {
    return { ...stats, verdict: 'inconclusive', reason: `${remaining} more judged requests per arm needed to detect ${mde} at power ${power}` };
  }
  if (pValue < alpha && treatment.rate > control.rate) {
    return { ...stats, verdict: 'ship', reason: `${treatment.name} passes more often (p = ${pValue.toPrecision(3)} < ${alpha})` };
  }
  const why = pValue < alpha ? `${treatment.name} is worse (p = ${pValue.toPrecision(3)})` : `no significant difference (p = ${pValue.toPrecision(3)})`;
  return { ...stats, verdict: 'hold', reason: `${why}: keep ${control.name}` };
}
