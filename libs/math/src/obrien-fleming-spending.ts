import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { MathInputError } from './math-input-error';

/**
 * Lan–DeMets α-spending function of O'Brien–Fleming type for a two-sided symmetric test of total
 * level α: each side spends α₁*(t) = 2 − 2·Φ(z₁₋α/₄ / √t) of its α/2, so both together spend
 * α*(t) = 2·α₁*(t) by the information fraction t ∈ [0, 1]; α*(0) = 0, α*(1) = α. This per-side
 * form is R gsDesign's (sfLDOF with alpha = α/2) and ldbounds' (iuse = 1 on each side).
 * It spends almost nothing early (t = 0.2 at α = 0.05: 1.1·10⁻⁶), so looking often costs
 * little power, and it needs neither the number nor the timing of looks fixed in advance.
 *
 * Lan, K. K. G. & DeMets, D. L. (1983). Discrete sequential boundaries for clinical trials.
 * Biometrika 70(3), 659–663 (the spending function approach); O'Brien, P. C. & Fleming, T. R.
 * (1979). A multiple testing procedure for clinical trials. Biometrics 35(3), 549–556 (the shape).
 *
 * @example obrienFlemingSpending(0.5, 0.05) // → 0.0030486 (2·(2 − 2·Φ(2.241403/√0.5)))
 */
export function obrienFlemingSpending(t: number, alpha = 0.05): number {
  const fn = 'obrienFlemingSpending';
  if (typeof t !== 'number' || !(t >= 0 && t <= 1)) throw new MathInputError(fn, `t must be an information fraction in [0, 1], got ${String(t)}`);
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) throw new MathInputError(fn, `alpha must be in (0, 1), got ${String(alpha)}`);
  if (t === 0) return 0;
  if (t === 1) return alpha;
  // 2·Φ(−x) rather than 2 − 2·Φ(x): keeps precision in the far tail of early looks.
  return 2 * (2 * normalCdf(-normalQuantile(1 - alpha / 4, 0, 1) / Math.sqrt(t), 0, 1));
}
