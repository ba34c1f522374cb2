import { assertCounts } from './guards';

/**
 * Turns non-negative counts (or unnormalised weights) into proportions that sum to 1.
 *
 * Definition: p_i = c_i / Σ c_j — https://en.wikipedia.org/wiki/Probability_distribution
 *
 * @example normalize([1, 3]) // → [0.25, 0.75]
 * @throws MathInputError on empty input, NaN/Infinity, a negative count or an all-zero vector.
 */
export function normalize(counts: readonly number[], fn = 'normalize'): number[] {
  assertCounts(fn, 'counts', counts);
  const total = counts.reduce((s, c) => s + c, 0);
  return counts.map((c) => c / total);
}
