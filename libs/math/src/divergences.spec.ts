import fc from 'fast-check';
import { EMPTY_BIN_EPSILON, jensenShannonDistance, klDivergence, MathInputError, normalize, psi, smoothProportions } from './index';

const counts = (k: number) => fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: k, maxLength: k }).filter((xs) => xs.some((x) => x > 0));
const pair = fc.integer({ min: 1, max: 12 }).chain((k) => fc.tuple(counts(k), counts(k)));

describe('klDivergence', () => {
  it('scipy.stats.entropy docs: entropy([1/2, 1/2], [9/10, 1/10], base=2) = 0.7369655941662062 bits', () => {
    expect(klDivergence([1 / 2, 1 / 2], [9 / 10, 1 / 10], 0) / Math.LN2).toBeCloseTo(0.7369655941662062, 14);
  });
  it('Wikipedia KL example: P = Binomial(2, 0.4), Q = uniform → 0.0852996 and 0.097455 nats', () => {
    // https://en.wikipedia.org/wiki/Kullback%E2%80%93Leibler_divergence#Basic_example
    expect(klDivergence([0.36, 0.48, 0.16], [1 / 3, 1 / 3, 1 / 3], 0)).toBeCloseTo(0.0852996, 7);
    expect(klDivergence([1 / 3, 1 / 3, 1 / 3], [0.36, 0.48, 0.16], 0)).toBeCloseTo(0.097455, 6);
  });
  it('normalises counts inside (counts and probabilities agree)', () => {
    expect(klDivergence([36, 48, 16], [5, 5, 5], 0)).toBeCloseTo(klDivergence([0.36, 0.48, 0.16], [1 / 3, 1 / 3, 1 / 3], 0), 14);
  });
  it('empty bin: Infinity without epsilon (as scipy), finite with the default epsilon', () => {
    expect(klDivergence([1, 1], [1, 0], 0)).toBe(Infinity);
    // p' = (0.5 + ε)/(1 + 2ε) both bins; q' = [(1 + ε)/(1 + 2ε), ε/(1 + 2ε)] → closed form below.
    const e = EMPTY_BIN_EPSILON;
    const expected = 0.5 * Math.log((0.5 + e) / (1 + e)) + 0.5 * Math.log((0.5 + e) / e);
    expect(klDivergence([1, 1], [1, 0])).toBeCloseTo(expected, 12);
  });
  it('properties: KL >= 0, KL(p, p) = 0', () => {
    fc.assert(fc.property(pair, ([p, q]) => klDivergence(p, q) >= 0 && klDivergence(p, p) === 0));
  });
  it('guards name the function', () => {
    expect(() => klDivergence([1, 2], [1])).toThrow(new MathInputError('klDivergence', 'p and q must have the same length (2 vs 1)'));
    expect(() => klDivergence([1, -1], [1, 1])).toThrow(/^klDivergence: p\[1\] must not be negative/);
    expect(() => klDivergence([0, 0], [1, 1])).toThrow('klDivergence: p must not be all zero');
    expect(() => klDivergence([1, NaN], [1, 1])).toThrow(/^klDivergence: p\[1\] must be a finite number/);
    expect(() => klDivergence([], [])).toThrow('klDivergence: p must not be empty');
    expect(() => klDivergence([1], [1], -1)).toThrow(/^klDivergence: epsilon/);
  });
});

describe('psi', () => {
  it('analytic: PSI([0.5, 0.5], [0.6, 0.4]) = 0.1·ln(1.2) + 0.1·ln(1.25)', () => {
    expect(psi([0.5, 0.5], [0.6, 0.4], 0)).toBeCloseTo(0.1 * Math.log(1.2) + 0.1 * Math.log(1.25), 14);
  });
  it('equals KL(a‖e) + KL(e‖a) (Yurdakul 2018, eq. 2)', () => {
    fc.assert(
      fc.property(pair, ([e, a]) => Math.abs(psi(e, a) - (klDivergence(a, e) + klDivergence(e, a))) < 1e-9),
    );
  });
  it('Evidently #334: an empty bin on one side stays finite and small instead of inf', () => {
    expect(psi([10, 10, 0], [10, 10, 1], 0)).toBe(Infinity);
    const v = psi([10, 10, 0], [10, 10, 1]);
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeLessThan(0.5);
  });
  it('properties: PSI >= 0, symmetric in swapping, PSI(e, e) = 0', () => {
    fc.assert(fc.property(pair, ([e, a]) => psi(e, a) >= 0 && Math.abs(psi(e, a) - psi(a, e)) < 1e-12 && psi(e, e) === 0));
  });
  it('guards name the function', () => {
    expect(() => psi([1, 2, 3], [1, 2])).toThrow('psi: expected and actual must have the same length (3 vs 2)');
    expect(() => psi([1, Infinity], [1, 2])).toThrow(/^psi: expected\[1\]/);
  });
});

describe('jensenShannonDistance', () => {
  it('scipy.spatial.distance.jensenshannon docs examples', () => {
    expect(jensenShannonDistance([1, 0, 0], [0, 1, 0])).toBeCloseTo(1, 14); // base=2.0 → 1.0
    // jensenshannon([1, 0], [0.5, 0.5]) = 0.46450140402245893 in nats; base 2 divides the
    // divergence by ln 2, i.e. the distance by √ln 2.
    expect(jensenShannonDistance([1, 0], [0.5, 0.5])).toBeCloseTo(0.46450140402245893 / Math.sqrt(Math.LN2), 14);
    expect(jensenShannonDistance([1, 0, 0], [1, 0, 0])).toBe(0);
  });
  it('properties: symmetric, within [0, 1], 0 on itself', () => {
    fc.assert(
      fc.property(pair, ([p, q]) => {
        const d = jensenShannonDistance(p, q);
        return d >= 0 && d <= 1 && Math.abs(d - jensenShannonDistance(q, p)) < 1e-12 && jensenShannonDistance(p, p) === 0;
      }),
    );
  });
  it('guards name the function', () => {
    expect(() => jensenShannonDistance([0, 0], [1, 1])).toThrow('jensenShannonDistance: p must not be all zero');
  });
});

describe('normalize and smoothProportions', () => {
  it('normalize([1, 3]) = [0.25, 0.75]; smoothing adds ε to every bin then renormalises', () => {
    expect(normalize([1, 3])).toEqual([0.25, 0.75]);
    expect(smoothProportions([0, 1], 0.5)).toEqual([0.25, 0.75]);
    expect(smoothProportions([0, 1], 0)).toEqual([0, 1]);
  });
  it('rejects bad counts naming normalize', () => {
    expect(() => normalize([])).toThrow('normalize: counts must not be empty');
    expect(() => normalize([0])).toThrow('normalize: counts must not be all zero');
  });
});
