import fc from 'fast-check';
import { ksTwoSample, MathInputError } from './index';

const linspace = (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
const repeat = (pairs: Array<[number, number]>) => pairs.flatMap(([v, k]) => Array<number>(k).fill(v));

// Reference values: scipy's own test suite, scipy/stats/tests/test_stats.py, class
// TestKSTwoSamples (ks_2samp, alternative='two-sided', mode='auto'). Each case names its test.
describe('ksTwoSample against scipy.stats.ks_2samp', () => {
  const cases: Array<[string, number[], number[], number, number]> = [
    ['testSmall [0] vs [1]', [0], [1], 1, 1],
    ['testTwoVsThree data1p', [1.01, 2.01], [1, 2, 3], 1 / 3, 1],
    ['testTwoVsThree data1m', [0.99, 1.99], [1, 2, 3], 2 / 3, 0.6],
    ['testTwoVsFour data1p', [1.01, 2.01], [1, 2, 3, 4], 2 / 4, 14 / 15],
    ['testTwoVsFour data1m', [0.99, 1.99], [1, 2, 3, 4], 3 / 4, 6 / 15],
    ['testEqualSizes +1', [1, 2, 3], [2, 3, 4], 1 / 3, 1],
    ['test100_100 +2.1', linspace(1, 100, 100), linspace(1, 100, 100).map((v) => v + 2.1), 3 / 100, 0.9999999999962055],
    ['test100_100 +1.9', linspace(1, 100, 100), linspace(1, 100, 100).map((v) => v + 1.9), 2 / 100, 1],
    ['test100_110 +20.1', linspace(1, 100, 100), linspace(1, 100, 110).map((v) => v + 20.1), 232 / 1100, 0.015739183865607353],
    ['test100_110 +19.9', linspace(1, 100, 100), linspace(1, 100, 110).map((v) => v + 19.9), 229 / 1100, 0.017803803861026313],
    [
      'testRepeatedValues x2233 vs x3344',
      repeat([[2, 3], [3, 4], [5, 5], [6, 4]]),
      repeat([[3, 3], [4, 4], [6, 5], [7, 4]]),
      5 / 16,
      0.4262934613454952,
    ],
    [
      'testRepeatedValues x2356 vs x3467',
      repeat([[2, 3], [3, 4], [5, 10], [6, 4]]),
      repeat([[3, 10], [4, 2], [6, 10], [7, 4]]),
      190 / 21 / 26,
      0.0919245790168125,
    ],
  ];
  it.each(cases)('%s', (_name, x, y, statistic, pValue) => {
    const r = ksTwoSample(x, y);
    expect(r.statistic).toBeCloseTo(statistic, 12);
    expect(r.pValue).toBeCloseTo(pValue, 10);
    expect(r.method).toBe('exact');
  });

  it('testLarge (10000 vs 110, exact): p-value ~ 0', () => {
    // scipy lists 4.218847493575595e-15 (computed as 1 − p_inside, floor ~1e-16) and compares to
    // 6 decimals; the Viehmann recursion used here returns the tiny tail directly.
    const n1 = 10000;
    const n2 = 110;
    const delta = 1 / n1 / n2 / 4;
    const r = ksTwoSample(linspace(1, 200, n1).map((v) => v - delta), linspace(2, 100, n2));
    expect(r.statistic).toBeCloseTo(55275 / (n1 * 11), 12);
    expect(r.pValue).toBeCloseTo(4.218847493575595e-15, 12);
  });

  it('testLargeBoth (10000 vs 11000, asymptotic kstwo): 0.9990660108966576', () => {
    const n1 = 10000;
    const n2 = 11000;
    const delta = 1 / n1 / n2 / 4;
    const r = ksTwoSample(linspace(1, 200, n1).map((v) => v - delta), linspace(2, 200, n2));
    expect(r.method).toBe('asymptotic'); // max(n) = 11000 > 10000
    expect(r.statistic).toBeCloseTo(563 / (n1 * 11), 12);
    expect(r.pValue).toBeCloseTo(0.9990660108966576, 10);
  });
});

describe('ksTwoSample exact p-value against a brute-force permutation count', () => {
  // Independent check: under H0 every split of the pooled sample is equally likely, so the
  // p-value is #{splits with D >= D_obs} / C(n1+n2, n1). R's ks.test(1:3, 4:6) prints p = 0.1.
  function bruteForce(x: number[], y: number[]): number {
    const pooled = [...x, ...y];
    const n1 = x.length;
    const observed = ksTwoSample(x, y).statistic;
    let hits = 0;
    let total = 0;
    const choose = (start: number, picked: number[]) => {
      if (picked.length === n1) {
        const a = picked.map((i) => pooled[i]);
        const b = pooled.filter((_, i) => !picked.includes(i));
        total++;
        if (ksTwoSample(a, b).statistic >= observed - 1e-12) hits++;
        return;
      }
      for (let i = start; i < pooled.length; i++) choose(i + 1, [...picked, i]);
    };
    choose(0, []);
    return hits / total;
  }
  it.each([
    [[1, 2, 3], [4, 5, 6]],
    [[1, 4, 6, 9], [2, 3, 5, 7, 8]],
    [[0.5, 3.5, 9], [1, 2, 4, 5, 6, 7, 8]],
  ])('%j vs %j', (x, y) => {
    expect(ksTwoSample(x, y).pValue).toBeCloseTo(bruteForce(x, y), 12);
  });
});

describe('ksTwoSample properties and guards', () => {
  const sample = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 });
  it('statistic in [0, 1], p-value in [0, 1], symmetric in swapping', () => {
    fc.assert(
      fc.property(sample, sample, (x, y) => {
        const r = ksTwoSample(x, y);
        const s = ksTwoSample(y, x);
        return r.statistic >= 0 && r.statistic <= 1 && r.pValue >= 0 && r.pValue <= 1 && r.statistic === s.statistic && Math.abs(r.pValue - s.pValue) < 1e-12;
      }),
    );
  });
  it('identical samples: D = 0, p = 1', () => {
    expect(ksTwoSample([3, 1, 2], [2, 3, 1])).toMatchObject({ statistic: 0, pValue: 1 });
  });
  it('rejects empty and non-finite input, naming the function', () => {
    expect(() => ksTwoSample([], [1])).toThrow(new MathInputError('ksTwoSample', 'x must not be empty'));
    expect(() => ksTwoSample([1], [NaN])).toThrow(/^ksTwoSample: y\[0\] must be a finite number/);
    expect(() => ksTwoSample([Infinity], [1])).toThrow(MathInputError);
  });
});
