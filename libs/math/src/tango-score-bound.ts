import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { MathInputError } from './math-input-error';
import { tangoScoreStatistic } from './tango-score-statistic';

export type BoundSide = 'lower' | 'upper';

/**
 * One-sided confidence bound at level 1 − alpha for Δ = p12 − p21 in a paired 2×2 table (see
 * tangoScoreStatistic for the notation), by inverting Tango's score test: the lower bound is the
 * Δ0 with T(Δ0) = z₁₋α, the upper bound the Δ0 with T(Δ0) = −z₁₋α. T is decreasing in Δ0, so
 * each root is found by bisection on [−1, 1] to 1e-10. The two-sided 1 − 2α interval is
 * [lower, upper]; the bound is clamped to [−1, 1] when T never reaches ±z (all pairs
 * discordant one way).
 *
 * Why this interval: it is a score interval, so it stays inside [−1, 1], is defined with no
 * discordant pairs at all, and keeps coverage near nominal for small n where the Wald interval
 * (b − c)/n ± z·se collapses; Fagerland, Lydersen & Laake (2014), "Recommended tests and
 * confidence intervals for paired binomial proportions", Statistics in Medicine 33, 2850–2875,
 * recommend it alongside Newcombe's (1998) hybrid score interval.
 *
 * Reference: T. Tango (1998), "Equivalence test and confidence interval for the difference in
 * proportions for the paired-sample design", Statistics in Medicine 17, 891–908.
 *
 * @example tangoScoreBound(5, 1, 100, 0.025, 'lower') // → -0.0109506 (95 % two-sided: [-0.01095, 0.10342])
 */
export function tangoScoreBound(n12: number, n21: number, n: number, alpha: number, side: BoundSide): number {
  const fn = 'tangoScoreBound';
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 0.5)) throw new MathInputError(fn, `alpha must be in (0, 0.5), got ${String(alpha)}`);
  if (side !== 'lower' && side !== 'upper') throw new MathInputError(fn, `side must be 'lower' or 'upper', got ${String(side)}`);
  const z = normalQuantile(1 - alpha, 0, 1);
  const target = side === 'lower' ? z : -z;
  // f(Δ0) = T(Δ0) − target is decreasing; it validates the counts on the first call.
  const f = (d: number) => tangoScoreStatistic(n12, n21, n, d) - target;
  if (f(-1) <= 0) return -1;
  if (f(1) >= 0) return 1;
  let lo = -1;
  let hi = 1;
  while (hi - lo > 1e-10) {
    const mid = (lo + hi) / 2;
    if (f(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
