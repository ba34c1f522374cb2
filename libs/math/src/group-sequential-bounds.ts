import { advance, assertGridPoints, assertTimings, crossing, START } from './group-sequential-step';
import { MathInputError } from './math-input-error';
import { obrienFlemingSpending } from './obrien-fleming-spending';

/** Two-sided α spent by t, α/2 on each side: twice the one-sided O'Brien–Fleming spending of α/2. */
const twoSidedObrienFleming = (t: number, alpha: number) => 2 * obrienFlemingSpending(t, alpha / 2);

/**
 * Two-sided symmetric group-sequential bounds ±c_k on Z at the information fractions t_k, from
 * an α-spending function (Lan & DeMets 1983): c_k is chosen so that the null probability of first
 * crossing at look k (either side) is α*(t_k) − α*(t_{k−1}); the crossing probabilities come from
 * the recursive integration of `groupSequentialExit`, c_k by bisection. The default spending
 * function is O'Brien–Fleming type (`obrienFlemingSpending`, α/2 per side). A schedule whose last timing is
 * below 1 spends only α*(t_K).
 *
 * Reference: R gsDesign(k = 5, test.type = 2, alpha = 0.025, sfu = sfLDOF) and
 * ldbounds::bounds((1:5)/5, iuse = c(1, 1), alpha = c(.025, .025)): 4.877, 3.357, 2.680, 2.290, 2.031.
 *
 * @example groupSequentialBounds([0.2, 0.4, 0.6, 0.8, 1]) // → [4.877, 3.357, 2.680, 2.290, 2.031]
 */
export function groupSequentialBounds(
  timings: readonly number[],
  alpha = 0.05,
  spending: (t: number, alpha: number) => number = twoSidedObrienFleming,
  gridPoints = 101,
): number[] {
  const fn = 'groupSequentialBounds';
  assertTimings(fn, timings);
  assertGridPoints(fn, gridPoints);
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) throw new MathInputError(fn, `alpha must be in (0, 1), got ${String(alpha)}`);
  const bounds: number[] = [];
  let spent = 0;
  let paths = START;
  for (let k = 0; k < timings.length; k++) {
    const cumulative = spending(timings[k], alpha);
    const target = cumulative - spent;
    if (!(target > 0)) throw new MathInputError(fn, `the spending function must increase; it spends ${target} at look ${k + 1}`);
    // The crossing probability falls as c grows; bisect on [0, 40] to 1e-9. (At the first look
    // this is −Φ⁻¹(share/2), but the share of an early look can be 10⁻²³, where the quantile
    // function underflows and the tail Φ(−c) does not.)
    let lo = 0;
    let hi = 40;
    while (hi - lo > 1e-9) {
      const mid = (lo + hi) / 2;
      const e = crossing(paths, timings[k], mid, 0);
      if (e.upper + e.lower > target) lo = mid;
      else hi = mid;
    }
    const c = (lo + hi) / 2;
    bounds.push(c);
    spent = cumulative;
    if (k < timings.length - 1) paths = advance(paths, timings[k], c, 0, gridPoints);
  }
  return bounds;
}
