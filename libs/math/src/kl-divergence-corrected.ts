import { EMPTY_BIN_EPSILON } from './empty-bin-epsilon';
import { assertCounts, assertSameLength } from './guards';
import { klDivergence } from './kl-divergence';

/**
 * D_KL(current‖reference) from two samples of counts, minus the plug-in estimator's first-order
 * bias (k − 1)/2 · (1/n + 1/m) nats — the Miller–Madow correction extended to a divergence
 * between two estimated histograms.
 *
 * Method: Miller, "Note on the bias of information estimates" (1955), and Paninski, "Estimation
 * of entropy and mutual information", Neural Computation 15(6), 2003, §3: the plug-in entropy is
 * biased by −(k − 1)/(2n). For the divergence, 2·N·KL ≈ Σ (p̂ − q̂)²/q · N with
 * N = 1/(1/n + 1/m) is the G statistic, ≈ χ²(k − 1) when both samples come from one distribution,
 * so E[KL] ≈ (k − 1)/(2N). k counts the bins non-empty in either sample (Miller–Madow counts the
 * non-empty bins). The result may be slightly negative for identical distributions: that is the
 * point — it is centred on the true divergence, not on the sampling noise; callers compare it to
 * a threshold, never take its log.
 *
 * Counts, not proportions: n and m are the sample sizes. Empty bins follow EMPTY_BIN_EPSILON.
 *
 * @example klDivergenceCorrected([60, 40], [50, 50]) // → 0.020136 − 0.5·(1/100 + 1/100) ≈ 0.010136
 */
export function klDivergenceCorrected(current: readonly number[], reference: readonly number[], epsilon: number = EMPTY_BIN_EPSILON): number {
  const fn = 'klDivergenceCorrected';
  assertCounts(fn, 'current', current);
  assertCounts(fn, 'reference', reference);
  assertSameLength(fn, 'current', 'reference', current, reference);
  let n = 0;
  let m = 0;
  let k = 0;
  for (let i = 0; i < current.length; i++) {
    n += current[i];
    m += reference[i];
    if (current[i] > 0 || reference[i] > 0) k++;
  }
  return klDivergence(current, reference, epsilon) - ((k - 1) / 2) * (1 / n + 1 / m);
}
