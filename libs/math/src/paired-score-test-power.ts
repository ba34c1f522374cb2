import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { MathInputError } from './math-input-error';

/**
 * Approximate power of the one-sided score test of H0: Δ ≤ Δ0 against H1: Δ > Δ0 for paired
 * proportions (Tango's statistic, level alpha, n pairs) when the true difference is Δ and the
 * true discordant proportions are p12 and p21 (Δ = p12 − p21):
 *
 *   power = Φ( (√n·(Δ − Δ0) − z₁₋α·√w0) / √w1 ),   w1 = p12 + p21 − Δ²,
 *   w0 = 2·p̃21 + Δ0·(1 − Δ0), p̃21 the restricted estimate of p21 at Δ0 evaluated at the
 *   expected table (the same formula as in tangoScoreStatistic).
 *
 * Reference: J.-M. Nam (1997), "Establishing equivalence of two treatments and sample size
 * requirements in matched-pairs design", Biometrics 53, 1422–1430 (power and sample size of the
 * score test for matched pairs). For the mirror test H0: Δ ≥ Δ0 swap p12 and p21 and negate Δ0.
 *
 * @example pairedScoreTestPower(2000, 0.02, 0.02, -0.02, 0.05) // → 0.99629
 */
export function pairedScoreTestPower(n: number, p12: number, p21: number, delta0: number, alpha: number): number {
  const fn = 'pairedScoreTestPower';
  if (typeof n !== 'number' || !(n > 0) || !Number.isFinite(n)) throw new MathInputError(fn, `n must be a positive number, got ${String(n)}`);
  for (const [name, v] of [['p12', p12], ['p21', p21]] as const) {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new MathInputError(fn, `${name} must be in [0, 1], got ${String(v)}`);
  }
  if (p12 + p21 > 1) throw new MathInputError(fn, `p12 + p21 must not exceed 1, got ${p12 + p21}`);
  if (typeof delta0 !== 'number' || !(delta0 > -1 && delta0 < 1)) throw new MathInputError(fn, `delta0 must be in (-1, 1), got ${String(delta0)}`);
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 0.5)) throw new MathInputError(fn, `alpha must be in (0, 0.5), got ${String(alpha)}`);
  const delta = p12 - p21;
  // The restricted estimate at the expected table: Tango's quadratic divided through by n².
  const a = 2;
  const b = -p12 - p21 + (2 - p12 + p21) * delta0;
  const c = -p21 * delta0 * (1 - delta0);
  const p21r = (Math.sqrt(Math.max(0, b * b - 4 * a * c)) - b) / (2 * a);
  const w0 = 2 * p21r + delta0 * (1 - delta0);
  const w1 = p12 + p21 - delta * delta;
  const z = normalQuantile(1 - alpha, 0, 1);
  const shift = Math.sqrt(n) * (delta - delta0) - z * Math.sqrt(Math.max(0, w0));
  if (!(w1 > 0)) return shift > 0 ? 1 : 0;
  return normalCdf(shift / Math.sqrt(w1), 0, 1);
}
