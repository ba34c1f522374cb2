import { binIndex } from './bin-index';
import { assertFiniteArray } from './guards';
import { MathInputError } from './math-input-error';

/**
 * Counts a sample into the bins given by `edges` (k + 1 edges → k bins).
 *
 * Edge convention (numpy.histogram's, extended to the whole real line): bin i is
 * [edges[i], edges[i+1]) — closed left, open right — except the last bin, which is closed on
 * both ends. Values below edges[0] fall into the first bin and values above edges[k] into the
 * last, so a current sample never loses mass against reference-derived edges. `edges` may be
 * [v, v] (one bin: everything).
 * Definition: https://numpy.org/doc/stable/reference/generated/numpy.histogram.html
 *
 * @example countIntoBins([0, 1, 2, 3, 99], [1, 2, 3]) // → [2, 3]
 */
export function countIntoBins(sample: readonly number[], edges: readonly number[]): number[] {
  const fn = 'countIntoBins';
  assertFiniteArray(fn, 'sample', sample);
  assertFiniteArray(fn, 'edges', edges);
  if (edges.length < 2) throw new MathInputError(fn, 'edges must have at least 2 entries');
  for (let i = 1; i < edges.length; i++) {
    if (!(edges[i] > edges[i - 1]) && !(edges.length === 2 && edges[1] === edges[0])) {
      throw new MathInputError(fn, `edges must be strictly increasing (edges[${i}] = ${edges[i]})`);
    }
  }
  const k = edges.length - 1;
  const counts = new Array<number>(k).fill(0);
  for (const v of sample) counts[binIndex(edges, v)] += 1;
  return counts;
}
