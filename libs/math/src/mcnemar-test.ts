import { assertCount } from './guards';
import { binomialCdf } from './binomial-cdf';

export interface McNemarResult {
  /** Two-sided mid-p: 2·P(X < k) + P(X = k), capped at 1. */
  midP: number;
  /** Two-sided exact conditional p: 2·P(X ≤ k), capped at 1 (statsmodels mcnemar(exact=True)). */
  exactP: number;
}

/**
 * McNemar's test of equal paired proportions (McNemar 1947, Psychometrika 12, 153–157) on the
 * discordant pairs of a paired 2×2 table: `n10` pairs where only the first measurement succeeds,
 * `n01` where only the second does. Under H0 each of the m = n10 + n01 discordant pairs falls
 * either way with probability ½, so with X ~ Binomial(m, ½) and k = min(n10, n01):
 *
 *   exact p = min(1, 2·P(X ≤ k)),   mid-p = min(1, 2·P(X ≤ k) − P(X = k)) = P(X ≤ k) + P(X ≤ k − 1).
 *
 * Why mid-p: the exact conditional test is very conservative (its size is often half of α), the
 * asymptotic one (Tango's T(0)², tangoScoreStatistic) can exceed α with few discordant pairs;
 * the mid-p test kept its size at or below α in all the scenarios of Fagerland, Lydersen & Laake
 * (2013), "The McNemar test for binary matched-pairs data: mid-p and asymptotic are better than
 * exact conditional", BMC Medical Research Methodology 13:91, who recommend it. With no
 * discordant pairs both p-values are 1.
 *
 * @example mcnemarTest(12, 4) // → { midP: 0.04904, exactP: 0.07681 } (scipy.stats.binomtest(4, 16).pvalue = 0.07681)
 */
export function mcnemarTest(n10: number, n01: number): McNemarResult {
  const fn = 'mcnemarTest';
  assertCount(fn, 'n10', n10);
  assertCount(fn, 'n01', n01);
  const m = n10 + n01;
  const k = Math.min(n10, n01);
  const atMost = binomialCdf(k, m, 0.5);
  const below = binomialCdf(k - 1, m, 0.5);
  return { midP: Math.min(1, atMost + below), exactP: Math.min(1, 2 * atMost) };
}
