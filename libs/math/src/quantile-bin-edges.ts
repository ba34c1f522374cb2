import { assertFiniteArray } from './guards';
import { MathInputError } from './math-input-error';

/**
 * Bin edges at the quantiles 0, 1/b, 2/b, …, 1 of a reference sample, for drift histograms
 * where each bin holds about the same share of the reference.
 *
 * Quantiles use linear interpolation between order statistics (numpy.quantile's default
 * 'linear' method, R quantile type 7): Q(t) = x_(⌊h⌋) + (h − ⌊h⌋)(x_(⌊h⌋+1) − x_(⌊h⌋)), h = (n−1)t.
 * Definition: https://en.wikipedia.org/wiki/Quantile#Estimating_quantiles_from_a_sample
 *
 * Returns strictly increasing edges: repeated quantiles (ties in the reference) are merged, so
 * the result can have fewer than `bins` bins; a constant reference gives [v, v] (one bin).
 * Use with `countIntoBins`, whose edge convention is documented there.
 *
 * @example quantileBinEdges([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4) // → [1, 3.25, 5.5, 7.75, 10]
 */
export function quantileBinEdges(reference: readonly number[], bins = 10): number[] {
  const fn = 'quantileBinEdges';
  assertFiniteArray(fn, 'reference', reference);
  if (!Number.isInteger(bins) || bins < 1) throw new MathInputError(fn, `bins must be an integer >= 1, got ${String(bins)}`);
  const sorted = [...reference].sort((a, b) => a - b);
  const last = sorted.length - 1;
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) {
    const h = (last * i) / bins;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, last);
    const q = sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    if (edges.length === 0 || q > edges[edges.length - 1]) edges.push(q);
  }
  if (edges.length === 1) edges.push(edges[0]);
  return edges;
}
