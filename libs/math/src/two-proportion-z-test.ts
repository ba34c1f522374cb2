import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { assertCount } from './guards';
import { MathInputError } from './math-input-error';

export interface ZTestResult {
  z: number;
  pValue: number;
}

/**
 * Pooled two-proportion z-test, two-sided: z = (p1 − p2) / √(P(1−P)(1/n1 + 1/n2)) with
 * P = (x1 + x2)/(n1 + n2), p = 2·(1 − Φ(|z|)). z² equals the uncorrected chi-square
 * statistic of the 2×2 table, so the p-values agree.
 *
 * Definition: https://en.wikipedia.org/wiki/Two-proportion_Z-test
 * When both groups are all-success or all-failure (P ∈ {0, 1}) there is no evidence of a
 * difference: z = 0, p = 1 (scipy/statsmodels would give NaN).
 *
 * @example twoProportionZTest(45, 100, 30, 100) // → { z: 2.1909, pValue: 0.02846 }
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): ZTestResult {
  const fn = 'twoProportionZTest';
  assertCount(fn, 'x1', x1);
  assertCount(fn, 'n1', n1);
  assertCount(fn, 'x2', x2);
  assertCount(fn, 'n2', n2);
  if (n1 === 0 || n2 === 0) throw new MathInputError(fn, 'n1 and n2 must be > 0');
  if (x1 > n1) throw new MathInputError(fn, `x1 (${x1}) must not exceed n1 (${n1})`);
  if (x2 > n2) throw new MathInputError(fn, `x2 (${x2}) must not exceed n2 (${n2})`);
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (x1 / n1 - x2 / n2) / se;
  // 2·Φ(−|z|) keeps precision in the far tail where 1 − Φ(|z|) would round to 0.
  return { z, pValue: Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1)) };
}
