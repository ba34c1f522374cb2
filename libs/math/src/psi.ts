import { EMPTY_BIN_EPSILON } from './empty-bin-epsilon';
import { assertCounts, assertSameLength } from './guards';
import { smoothProportions } from './smooth-proportions';

/**
 * Population Stability Index PSI = Σ (a_i − e_i) · ln(a_i / e_i) on proportions.
 *
 * Definition: Yurdakul, "Statistical properties of population stability index" (2018),
 * https://scholarworks.wmich.edu/dissertations/3208 — equal to D_KL(A‖E) + D_KL(E‖A), hence
 * symmetric in swapping `expected` and `actual`. Usual reading: < 0.1 no shift, 0.1–0.25
 * moderate, > 0.25 significant.
 * Counts are normalised inside; empty bins follow the EMPTY_BIN_EPSILON rule (Evidently #334);
 * with `epsilon = 0` an empty bin on one side only gives Infinity.
 *
 * @example psi([0.5, 0.5], [0.6, 0.4], 0) // → 0.1·ln 1.2 + 0.1·ln 1.25 ≈ 0.0405465
 */
export function psi(expected: readonly number[], actual: readonly number[], epsilon: number = EMPTY_BIN_EPSILON): number {
  const fn = 'psi';
  assertCounts(fn, 'expected', expected);
  assertCounts(fn, 'actual', actual);
  assertSameLength(fn, 'expected', 'actual', expected, actual);
  const e = smoothProportions(expected, epsilon, fn);
  const a = smoothProportions(actual, epsilon, fn);
  let sum = 0;
  for (let i = 0; i < e.length; i++) {
    if (a[i] === e[i]) continue; // also covers 0/0
    if (a[i] === 0 || e[i] === 0) return Infinity;
    sum += (a[i] - e[i]) * Math.log(a[i] / e[i]);
  }
  return Math.max(0, sum);
}
