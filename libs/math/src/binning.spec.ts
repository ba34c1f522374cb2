import fc from 'fast-check';
import { binIndex, countIntoBins, MathInputError, quantileBinEdges } from './index';

describe('quantileBinEdges', () => {
  it('numpy.quantile(1..10, [0, .25, .5, .75, 1]) = [1, 3.25, 5.5, 7.75, 10] (linear method, R type 7)', () => {
    expect(quantileBinEdges([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 4)).toEqual([1, 3.25, 5.5, 7.75, 10]);
  });
  it('numpy docs: np.quantile([[10, 7, 4], [3, 2, 1]], 0.5) = 3.5 (the median edge)', () => {
    expect(quantileBinEdges([10, 7, 4, 3, 2, 1], 2)).toEqual([1, 3.5, 10]);
  });
  it('merges tied quantiles; a constant reference gives one bin', () => {
    expect(quantileBinEdges([1, 1, 1, 1, 2], 4)).toEqual([1, 2]);
    expect(quantileBinEdges([3, 3, 3], 10)).toEqual([3, 3]);
  });
  it('gives bins holding about equal shares of the reference', () => {
    const ref = Array.from({ length: 1000 }, (_, i) => i);
    expect(countIntoBins(ref, quantileBinEdges(ref, 10))).toEqual(Array(10).fill(100));
  });
  it('rejects bad input naming the function', () => {
    expect(() => quantileBinEdges([], 4)).toThrow('quantileBinEdges: reference must not be empty');
    expect(() => quantileBinEdges([1, 2], 0)).toThrow('quantileBinEdges: bins must be an integer >= 1, got 0');
    expect(() => quantileBinEdges([1, NaN], 2)).toThrow(MathInputError);
  });
});

describe('countIntoBins', () => {
  it('half-open bins, last closed, outside values clamp to the end bins', () => {
    expect(countIntoBins([0, 1, 2, 3, 99], [1, 2, 3])).toEqual([2, 3]);
    expect(countIntoBins([1.999, 2], [1, 2, 3])).toEqual([1, 1]);
  });
  it('a single degenerate bin takes everything', () => {
    expect(countIntoBins([-5, 3, 8], [3, 3])).toEqual([3]);
  });
  it('property: counts sum to the sample size', () => {
    const arr = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(arr, arr, fc.integer({ min: 1, max: 12 }), (ref, sample, bins) => {
        const c = countIntoBins(sample, quantileBinEdges(ref, bins));
        return c.reduce((s, v) => s + v, 0) === sample.length;
      }),
    );
  });
  it('rejects bad edges naming the function', () => {
    expect(() => countIntoBins([1], [1])).toThrow('countIntoBins: edges must have at least 2 entries');
    expect(() => countIntoBins([1], [1, 3, 2])).toThrow('countIntoBins: edges must be strictly increasing (edges[2] = 2)');
    expect(() => countIntoBins([], [1, 2])).toThrow('countIntoBins: sample must not be empty');
  });
});

describe('binIndex', () => {
  it('numpy.histogram([0, 1, 2, 3, 99], bins=[1, 2, 3]) puts 1 in bin 0, 2, 3 (closed last bin) in bin 1; outside values go to the end bins', () => {
    expect([0, 1, 2, 3, 99].map((v) => binIndex([1, 2, 3], v))).toEqual([0, 0, 1, 1, 1]);
    expect(binIndex([5, 5], 7)).toBe(0);
    expect(() => binIndex([1], 1)).toThrow(MathInputError);
  });
  it('agrees with countIntoBins on every value (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 50 }), fc.uniqueArray(fc.integer({ min: -100, max: 100 }), { minLength: 2, maxLength: 8 }), (sample, raw) => {
        const edges = [...raw].sort((a, b) => a - b);
        const counts = new Array(edges.length - 1).fill(0);
        for (const v of sample) counts[binIndex(edges, v)] += 1;
        expect(counts).toEqual(countIntoBins(sample, edges));
      }),
    );
  });
});
