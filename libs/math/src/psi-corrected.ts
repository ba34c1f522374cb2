import { EMPTY_BIN_EPSILON } from './empty-bin-epsilon';
import { assertCounts, assertSameLength } from './guards';
import { psi } from './psi';

/**
 * PSI of two samples of counts minus the plug-in estimator's first-order bias
 * (k − 1) · (1/n + 1/m).
 *
 * Method: PSI = D_KL(A‖E) + D_KL(E‖A) ≈ Σ (a − e)²/e, twice the quadratic term of one KL, so its
 * sampling bias is twice the Miller–Madow term of klDivergenceCorrected: with N = 1/(1/n + 1/m),
 * N·PSI ≈ χ²(k − 1) when both samples share one distribution (Miller 1955; Paninski 2003, §3;
 * Yurdakul 2018, ch. 3 derives the same χ² limit for PSI). k counts the bins non-empty in either
 * sample. Centred on the true PSI, so it may be slightly negative when nothing moved.
 *
 * @example psiCorrected([50, 50], [60, 40]) // → 0.0405465 − (1/100 + 1/100) ≈ 0.0205465
 */
export function psiCorrected(expected: readonly number[], actual: readonly number[], epsilon: number = EMPTY_BIN_EPSILON): number {
  const fn = 'psiCorrected';
  assertCounts(fn, 'expected', expected);
  assertCounts(fn, 'actual', actual);
  assertSameLength(fn, 'expected', 'actual', expected, actual);
  let n = 0;
  let m = 0;
  let k = 0;
  for (let i = 0; i < expected.length; i++) {
    m += expected[i];
    n += actual[i];
    if (expected[i] > 0 || actual[i] > 0) k++;
  }
  return psi(expected, actual, epsilon) - (k - 1) * (1 / n + 1 / m);
}
