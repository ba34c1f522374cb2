import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import { MathInputError } from './math-input-error';

/**
 * Survival function P(X > x) of the noncentral chi-square distribution with `dof` degrees of
 * freedom and noncentrality `lambda`, as scipy.stats.ncx2.sf(x, dof, lambda).
 *
 * Method: the Poisson mixture of central chi-squares, P(X ≤ x) = Σ_j Pois(j; λ/2) · F_χ²(x; dof + 2j)
 * (Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions vol. 2, ch. 29, eq. 29.2).
 * Summed over the Poisson weights from j = 0 to the mode + 12 standard deviations + 50, which
 * leaves less than 1e-12 of the mass out for any λ. lambda = 0 is the central chi-square.
 * Used for power: the G statistic of a histogram that really moved is ≈ χ²(k − 1, λ = 2·N·KL).
 *
 * @example noncentralChiSquareSf(120, 96, 50) // → 0.91164525… (scipy.stats.ncx2.sf(120, 96, 50))
 */
export function noncentralChiSquareSf(x: number, dof: number, lambda: number): number {
  const fn = 'noncentralChiSquareSf';
  if (typeof x !== 'number' || Number.isNaN(x)) throw new MathInputError(fn, `x must be a number, got ${String(x)}`);
  if (typeof dof !== 'number' || !Number.isFinite(dof) || dof <= 0) throw new MathInputError(fn, `dof must be a finite number > 0, got ${String(dof)}`);
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0) {
    throw new MathInputError(fn, `lambda must be a finite number >= 0, got ${String(lambda)}`);
  }
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  const mu = lambda / 2;
  if (mu === 0) return 1 - chisquareCdf(x, dof);
  const last = Math.ceil(mu + 12 * Math.sqrt(mu) + 50);
  let logFactorial = 0;
  let cdf = 0;
  for (let j = 0; j <= last; j++) {
    if (j > 0) logFactorial += Math.log(j);
    const weight = Math.exp(j * Math.log(mu) - mu - logFactorial);
    if (weight > 0) cdf += weight * chisquareCdf(x, dof + 2 * j);
  }
  return Math.min(1, Math.max(0, 1 - cdf));
}
