import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { MathInputError } from './math-input-error';

/**
 * Sample size per group for a two-sided two-proportion z-test that detects p1 vs p2 with the
 * given power: n = [z₁₋α/₂·√(2·p̄q̄) + z₁₋β·√(p1q1 + p2q2)]² / (p1 − p2)², p̄ = (p1 + p2)/2.
 * This is R's power.prop.test(p1, p2, sig.level = alpha, power) solved for n (strict = FALSE);
 * not rounded up — callers take Math.ceil for a head count.
 *
 * Definition: https://en.wikipedia.org/wiki/Power_of_a_test and R ?power.prop.test
 *
 * @example sampleSizeTwoProportions(0.5, 0.6) // → 387.3385 (α 0.05, power 0.8)
 */
export function sampleSizeTwoProportions(p1: number, p2: number, alpha = 0.05, power = 0.8): number {
  const fn = 'sampleSizeTwoProportions';
  for (const [name, v] of [['p1', p1], ['p2', p2]] as const) {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new MathInputError(fn, `${name} must be in [0, 1], got ${String(v)}`);
  }
  if (p1 === p2) throw new MathInputError(fn, 'p1 and p2 must differ (no sample size detects a zero effect)');
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) throw new MathInputError(fn, `alpha must be in (0, 1), got ${String(alpha)}`);
  if (typeof power !== 'number' || !(power > 0 && power < 1)) throw new MathInputError(fn, `power must be in (0, 1), got ${String(power)}`);
  const za = normalQuantile(1 - alpha / 2, 0, 1);
  const zb = normalQuantile(power, 0, 1);
  const pbar = (p1 + p2) / 2;
  const root = za * Math.sqrt(2 * pbar * (1 - pbar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return (root * root) / ((p1 - p2) * (p1 - p2));
}
