import { MathInputError } from './math-input-error';

/**
 * The bin of `value` for sorted `edges` (k + 1 edges → bins 0 … k − 1), with countIntoBins'
 * convention: bin i is [edges[i], edges[i+1]), the last bin is closed, and values outside the
 * edges go to the end bins. Binary search, O(log k); the edges are not re-validated per call
 * (validate them once, e.g. with countIntoBins or quantileBinEdges).
 * Definition: https://numpy.org/doc/stable/reference/generated/numpy.histogram.html
 *
 * @example binIndex([1, 2, 3], 2) // → 1 ; binIndex([1, 2, 3], 99) // → 1 ; binIndex([1, 2, 3], -5) // → 0
 */
export function binIndex(edges: readonly number[], value: number): number {
  if (edges.length < 2) throw new MathInputError('binIndex', 'edges must have at least 2 entries');
  const k = edges.length - 1;
  // Largest i with edges[i] <= value, clamped into [0, k-1].
  let lo = 0;
  let hi = k;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid] <= value) lo = mid;
    else hi = mid - 1;
  }
  return Math.min(lo, k - 1);
}
