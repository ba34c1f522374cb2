import { assertCount } from './guards';
import { MathInputError } from './math-input-error';

/**
 * Tango's score statistic for a difference of paired proportions. In a paired 2×2 table with
 * n pairs, n12 pairs where only the first measurement succeeds and n21 where only the second
 * does, Δ = p1 − p2 = p12 − p21 and, for H0: Δ = Δ0,
 *
 *   T(Δ0) = (n12 − n21 − n·Δ0) / √(n·(2·p̃21 + Δ0·(1 − Δ0)))
 *
 * where p̃21 = (√(B² − 4AC) − B)/(2A), A = 2n, B = −n12 − n21 + (2n − n12 + n21)·Δ0,
 * C = −n21·Δ0·(1 − Δ0), the maximum-likelihood estimate of p21 restricted to Δ = Δ0.
 * Only the discordant pairs carry information about Δ (as in McNemar's test, which is
 * T(0)²). T is approximately standard normal under H0 and decreasing in Δ0.
 *
 * Reference: T. Tango (1998), "Equivalence test and confidence interval for the difference in
 * proportions for the paired-sample design", Statistics in Medicine 17, 891–908.
 *
 * When the variance vanishes (no discordant pairs and Δ0 = 0) the data say nothing against H0:
 * T = 0.
 *
 * @example tangoScoreStatistic(5, 1, 100, 0) // → 1.63299 (= √McNemar χ² = 4/√6)
 */
export function tangoScoreStatistic(n12: number, n21: number, n: number, delta0: number): number {
  const fn = 'tangoScoreStatistic';
  assertCount(fn, 'n12', n12);
  assertCount(fn, 'n21', n21);
  assertCount(fn, 'n', n);
  if (n === 0) throw new MathInputError(fn, 'n must be at least 1');
  if (n12 + n21 > n) throw new MathInputError(fn, `n12 + n21 (${n12 + n21}) must not exceed n (${n})`);
  if (typeof delta0 !== 'number' || !(delta0 >= -1 && delta0 <= 1)) {
    throw new MathInputError(fn, `delta0 must be in [-1, 1], got ${String(delta0)}`);
  }
  const a = 2 * n;
  const b = -n12 - n21 + (2 * n - n12 + n21) * delta0;
  const c = -n21 * delta0 * (1 - delta0);
  // B² − 4AC ≥ 0 mathematically (C ≤ 0 for Δ0 ∈ [0, 1]; the quadratic has a real root in [0, 1]
  // otherwise); clamp tiny negative rounding.
  const p21 = (Math.sqrt(Math.max(0, b * b - 4 * a * c)) - b) / (2 * a);
  const variance = n * (2 * p21 + delta0 * (1 - delta0));
  const numerator = n12 - n21 - n * delta0;
  if (!(variance > 1e-300)) {
    if (Math.abs(numerator) < 1e-12) return 0;
    return numerator > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }
  return numerator / Math.sqrt(variance);
}
