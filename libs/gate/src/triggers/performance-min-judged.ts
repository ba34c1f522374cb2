import { binomialCdf } from '@lynx/math';

/** The largest k with P(X ≤ k | n, p0) < alpha (−1 when none): the exact test's rejection region. */
export function exactCriticalCount(n: number, p0: number, alpha: number): number {
  let lo = -1;
  let hi = n;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (binomialCdf(mid, n, p0) < alpha) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The fewest judged answers for the performance trigger to decide: the smallest n (in `step`s)
 * at which the one-sided exact binomial test at `alpha` against the bound
 * p0 = gateAccuracy − maxDrop fires with probability ≥ `power` when the live rate is a further
 * `effect` below it. Exact power: P(X ≤ k*(n) | n, p0 − effect), k* the test's critical count
 * (Chow, Shao & Wang, Sample Size Calculations in Clinical Research, §4.1, exact binomial).
 * Below it a window is `insufficient_data` rather than a miss.
 */
export function performanceMinJudged(input: { gateAccuracy: number; maxDrop: number; alpha: number; power: number; effect: number; step?: number; max?: number }): number {
  const p0 = input.gateAccuracy - input.maxDrop;
  const p1 = p0 - input.effect;
  if (!(p0 > 0 && p0 <= 1 && p1 > 0 && p1 < p0)) throw new RangeError(`performanceMinJudged: need 0 < gateAccuracy − maxDrop − effect < gateAccuracy − maxDrop <= 1, got ${p1} and ${p0}`);
  const step = input.step ?? 50;
  const max = input.max ?? 100_000;
  for (let n = step; n <= max; n += step) {
    const k = exactCriticalCount(n, p0, input.alpha);
    if (k >= 0 && binomialCdf(k, n, p1) >= input.power) return n;
  }
  throw new RangeError(`performanceMinJudged: no n up to ${max} reaches power ${input.power}`);
}
