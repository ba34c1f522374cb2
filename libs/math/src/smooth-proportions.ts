import { assertEpsilon } from './guards';
import { normalize } from './normalize';

/**
 * Normalises counts to proportions and applies the empty-bin rule of EMPTY_BIN_EPSILON:
 * p'_i = (p_i + ε) / (1 + kε). With ε = 0 it is plain `normalize`.
 *
 * Definition (additive / Laplace smoothing): https://en.wikipedia.org/wiki/Additive_smoothing
 *
 * @example smoothProportions([0, 1], 0.5) // → [0.25, 0.75]
 */
export function smoothProportions(counts: readonly number[], epsilon: number, fn = 'smoothProportions'): number[] {
  assertEpsilon(fn, epsilon);
  const p = normalize(counts, fn);
  const k = p.length;
  return p.map((v) => (v + epsilon) / (1 + k * epsilon));
}
