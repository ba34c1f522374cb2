import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { MathInputError } from './math-input-error';

/**
 * Pairs needed for the one-sided score test of H0: Δ ≤ Δ0 (paired proportions, Tango's
 * statistic, level alpha) to reject with the given power when the true discordant proportions
 * are p12 and p21 (Δ = p12 − p21 > Δ0):
 *
 *   n = (z₁₋α·√w0 + z_power·√w1)² / (Δ − Δ0)²
 *
 * with w0, w1 as in pairedScoreTestPower. Not rounded — callers take Math.ceil for a head count.
 *
 * Reference: J.-M. Nam (1997), Biometrics 53, 1422–1430, the sample size for the score test of
 * non-inferiority in matched pairs.
 *
 * @example pairedSampleSize(0.02, 0.02, -0.02, 0.05, 0.8) // → 694.82
 */
export function pairedSampleSize(p12: number, p21: number, delta0: number, alpha: number, power: number): number {
  const fn = 'pairedSampleSize';
  for (const [name, v] of [['p12', p12], ['p21', p21]] as const) {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new MathInputError(fn, `${name} must be in [0, 1], got ${String(v)}`);
  }
  if (p12 + p21 > 1) throw new MathInputError(fn, `p12 + p21 must not exceed 1, got ${p12 + p21}`);
  if (typeof delta0 !== 'number' || !(delta0 > -1 && delta0 < 1)) throw new MathInputError(fn, `delta0 must be in (-1, 1), got ${String(delta0)}`);
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 0.5)) throw new MathInputError(fn, `alpha must be in (0, 0.5), got ${String(alpha)}`);
  if (typeof power !== 'number' || !(power > 0 && power < 1)) throw new MathInputError(fn, `power must be in (0, 1), got ${String(power)}`);
  const delta = p12 - p21;
  if (!(delta > delta0)) throw new MathInputError(fn, `the true difference p12 − p21 (${delta}) must exceed delta0 (${delta0}); no sample size shows otherwise`);
  const a = 2;
  const b = -p12 - p21 + (2 - p12 + p21) * delta0;
  const c = -p21 * delta0 * (1 - delta0);
  const p21r = (Math.sqrt(Math.max(0, b * b - 4 * a * c)) - b) / (2 * a);
  const w0 = Math.max(0, 2 * p21r + delta0 * (1 - delta0));
  const w1 = Math.max(0, p12 + p21 - delta * delta);
  const root = normalQuantile(1 - alpha, 0, 1) * Math.sqrt(w0) + normalQuantile(power, 0, 1) * Math.sqrt(w1);
  return (root * root) / ((delta - delta0) * (delta - delta0));
}
