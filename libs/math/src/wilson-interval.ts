import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { assertCount } from './guards';
import { MathInputError } from './math-input-error';

export interface Interval {
  lower: number;
  upper: number;
}

/**
 * Wilson score interval for a binomial proportion (no continuity correction):
 * (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n), z = Φ⁻¹(1 − (1−confidence)/2).
 * Same as statsmodels proportion_confint(method='wilson') and R binom::binom.confint(methods='wilson').
 *
 * Definition: https://en.wikipedia.org/wiki/Binomial_proportion_confidence_interval#Wilson_score_interval
 *
 * @example wilsonInterval(5, 10) // → { lower: 0.2365931, upper: 0.7634069 }
 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval {
  const fn = 'wilsonInterval';
  assertCount(fn, 'successes', successes);
  assertCount(fn, 'n', n);
  if (n === 0) throw new MathInputError(fn, 'n must be > 0');
  if (successes > n) throw new MathInputError(fn, `successes (${successes}) must not exceed n (${n})`);
  if (typeof confidence !== 'number' || !(confidence > 0 && confidence < 1)) {
    throw new MathInputError(fn, `confidence must be in (0, 1), got ${String(confidence)}`);
  }
  const z = normalQuantile(1 - (1 - confidence) / 2, 0, 1);
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  // In exact arithmetic x = 0 gives lower = 0 and x = n gives upper = 1; rounding would not.
  return {
    lower: successes === 0 ? 0 : Math.max(0, centre - half),
    upper: successes === n ? 1 : Math.min(1, centre + half),
  };
}
