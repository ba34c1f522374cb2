import { EMPTY_BIN_EPSILON } from './empty-bin-epsilon';
import { assertCounts, assertSameLength } from './guards';
import { smoothProportions } from './smooth-proportions';

/**
 * Kullback–Leibler divergence D_KL(P‖Q) = Σ p_i · ln(p_i / q_i), in nats.
 *
 * Definition: https://en.wikipedia.org/wiki/Kullback%E2%80%93Leibler_divergence
 * Inputs are counts or probabilities; both are normalised inside (as scipy.stats.entropy(p, q)).
 * Empty bins follow the EMPTY_BIN_EPSILON rule; with `epsilon = 0` the result equals
 * scipy.stats.entropy(p, q) and is Infinity when some q_i = 0 < p_i.
 *
 * @example klDivergence([1, 1], [9, 1], 0) // → 0.5108256237659907
 */
export function klDivergence(p: readonly number[], q: readonly number[], epsilon: number = EMPTY_BIN_EPSILON): number {
  const fn = 'klDivergence';
  assertCounts(fn, 'p', p);
  assertCounts(fn, 'q', q);
  assertSameLength(fn, 'p', 'q', p, q);
  const ps = smoothProportions(p, epsilon, fn);
  const qs = smoothProportions(q, epsilon, fn);
  let sum = 0;
  for (let i = 0; i < ps.length; i++) {
    if (ps[i] === 0) continue; // 0 · ln 0 = 0 by convention
    if (qs[i] === 0) return Infinity;
    sum += ps[i] * Math.log(ps[i] / qs[i]);
  }
  // Rounding can leave -1e-17 for identical inputs; the divergence is never negative.
  return Math.max(0, sum);
}
