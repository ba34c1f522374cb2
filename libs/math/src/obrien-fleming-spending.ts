import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { MathInputError } from './math-input-error';

/**
 * Lan–DeMets alpha-spending function of O'Brien–Fleming type: the share of a one-sided α a
 * group-sequential test may have spent by information fraction t,
 *   α(t) = 2 − 2·Φ(z₁₋α/₂ / √t),  0 < t ≤ 1,  α(0) = 0,  α(1) = α.
 * Almost nothing is spent at early looks, so a test that looks often keeps nearly the power of
 * one fixed-sample test at the end, and the looks may fall at any information fractions.
 *
 * Reference: K. K. G. Lan and D. L. DeMets, "Discrete sequential boundaries for clinical
 * trials", Biometrika 70(3):659–663, 1983 (their α₁*(t)).
 *
 * @example obrienFlemingSpending(0.5, 0.025) // → 0.001525
 */
export function obrienFlemingSpending(t: number, alpha: number): number {
  const fn = 'obrienFlemingSpending';
  if (typeof t !== 'number' || !(t >= 0 && t <= 1)) throw new MathInputError(fn, `t must be in [0, 1], got ${String(t)}`);
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) throw new MathInputError(fn, `alpha must be in (0, 1), got ${String(alpha)}`);
  if (t === 0) return 0;
  // 2·Φ(−x) rather than 2 − 2·Φ(x): keeps precision when early looks spend ~1e-10.
  return Math.min(alpha, 2 * normalCdf(-normalQuantile(1 - alpha / 2, 0, 1) / Math.sqrt(t), 0, 1));
}
