import { MathInputError } from './math-input-error';

/**
 * Binomial CDF P(X ≤ k) for X ~ Binomial(n, p), as scipy.stats.binom.cdf(k, n, p); also the
 * one-sided exact binomial test's p-value for "fewer successes than p predicts"
 * (scipy.stats.binomtest(k, n, p, alternative='less').pvalue).
 *
 * Method: the probability mass summed term by term in log space, pmf(i + 1) = pmf(i) · (n − i)/(i + 1)
 * · p/(1 − p) from pmf(0) = (1 − p)^n (Johnson, Kemp & Kotz, Univariate Discrete Distributions,
 * 3rd ed., §3.2), with log-sum-exp so nothing underflows for n in the millions. O(k).
 *
 * @example binomialCdf(160, 200, 0.85) // → 0.034… (scipy.stats.binom.cdf(160, 200, 0.85))
 */
export function binomialCdf(k: number, n: number, p: number): number {
  const fn = 'binomialCdf';
  if (!Number.isInteger(n) || n < 0) throw new MathInputError(fn, `n must be an integer >= 0, got ${String(n)}`);
  if (typeof k !== 'number' || Number.isNaN(k)) throw new MathInputError(fn, `k must be a number, got ${String(k)}`);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new MathInputError(fn, `p must be in [0, 1], got ${String(p)}`);
  const kk = Math.floor(k);
  if (kk < 0) return 0;
  if (kk >= n) return 1;
  if (p === 0) return 1;
  if (p === 1) return 0;
  const logRatio = Math.log(p) - Math.log1p(-p);
  let logPmf = n * Math.log1p(-p);
  let max = logPmf;
  const terms = [logPmf];
  for (let i = 0; i < kk; i++) {
    logPmf += Math.log((n - i) / (i + 1)) + logRatio;
    terms.push(logPmf);
    if (logPmf > max) max = logPmf;
  }
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - max);
  return Math.min(1, Math.exp(max + Math.log(sum)));
}
