import fc from 'fast-check';
import { chiSquareTest, costPerQualityUnit, MathInputError, twoProportionZTest, wilsonInterval } from './index';

describe('chiSquareTest', () => {
  it('scipy.stats.chi2_contingency docs: [[10, 10, 20], [20, 20, 20]] → 2.7777777777777777, p 0.24935220877729619, dof 2', () => {
    const r = chiSquareTest([
      [10, 10, 20],
      [20, 20, 20],
    ]);
    expect(r.statistic).toBeCloseTo(2.7777777777777777, 12);
    expect(r.pValue).toBeCloseTo(0.24935220877729619, 12);
    expect(r.dof).toBe(2);
  });
  it("R ?chisq.test example (party × gender): X-squared = 30.07, df = 2, p-value = 2.954e-07", () => {
    const r = chiSquareTest([
      [762, 327, 468],
      [484, 239, 477],
    ]);
    expect(r.statistic).toBeCloseTo(30.07015, 4);
    expect(r.pValue).toBeCloseTo(2.954e-7, 9);
    expect(r.dof).toBe(2);
  });
  it('2×2 without continuity correction equals the closed form N(ad − bc)² / (r1 r2 c1 c2)', () => {
    const [a, b, c, d] = [12, 5, 7, 19];
    const n = a + b + c + d;
    const closed = (n * (a * d - b * c) ** 2) / ((a + b) * (c + d) * (a + c) * (b + d));
    expect(chiSquareTest([[a, b], [c, d]]).statistic).toBeCloseTo(closed, 12);
  });
  it('rejects bad tables naming the function', () => {
    expect(() => chiSquareTest([[1, 2]])).toThrow('chiSquareTest: table must have at least 2 rows');
    expect(() => chiSquareTest([[1, 2], [3]])).toThrow('chiSquareTest: row 1 must have 2 cells');
    expect(() => chiSquareTest([[1, -2], [3, 4]])).toThrow(/^chiSquareTest: table\[0\]\[1\]/);
    expect(() => chiSquareTest([[0, 0], [3, 4]])).toThrow('chiSquareTest: row 0 sums to zero');
    expect(() => chiSquareTest([[1, NaN], [3, 4]])).toThrow(MathInputError);
  });
});

describe('twoProportionZTest', () => {
  it('hand computation: 45/100 vs 30/100 → P = 0.375, z = 0.15/√(0.375·0.625·0.02) = 2.19089', () => {
    const r = twoProportionZTest(45, 100, 30, 100);
    expect(r.z).toBeCloseTo(0.15 / Math.sqrt(0.375 * 0.625 * 0.02), 12);
    expect(r.z).toBeCloseTo(2.19089, 5);
    expect(r.pValue).toBeCloseTo(0.02846, 5); // 2·(1 − Φ(2.19089)), standard normal table
  });
  it('z² and p equal the uncorrected chi-square test of the same 2×2 table', () => {
    const cell = fc.integer({ min: 1, max: 500 });
    fc.assert(
      fc.property(cell, cell, cell, cell, (x1, f1, x2, f2) => {
        const z = twoProportionZTest(x1, x1 + f1, x2, x2 + f2);
        const chi = chiSquareTest([[x1, f1], [x2, f2]]);
        return Math.abs(z.z ** 2 - chi.statistic) < 1e-8 * Math.max(1, chi.statistic) && Math.abs(z.pValue - chi.pValue) < 1e-9;
      }),
    );
  });
  it('no variance (all successes in both) → z 0, p 1', () => {
    expect(twoProportionZTest(10, 10, 20, 20)).toEqual({ z: 0, pValue: 1 });
  });
  it('rejects bad counts naming the function', () => {
    expect(() => twoProportionZTest(1, 0, 1, 2)).toThrow('twoProportionZTest: n1 and n2 must be > 0');
    expect(() => twoProportionZTest(3, 2, 1, 2)).toThrow('twoProportionZTest: x1 (3) must not exceed n1 (2)');
    expect(() => twoProportionZTest(-1, 2, 1, 2)).toThrow(/^twoProportionZTest: x1 must be a non-negative integer/);
    expect(() => twoProportionZTest(NaN, 2, 1, 2)).toThrow(MathInputError);
  });
});

describe('wilsonInterval', () => {
  it('R binom::binom.confint(5, 10, methods = "wilson") → 0.2365931, 0.7634069', () => {
    const r = wilsonInterval(5, 10);
    expect(r.lower).toBeCloseTo(0.2365931, 7);
    expect(r.upper).toBeCloseTo(0.7634069, 7);
  });
  it('x = 0: lower 0, upper z²/(n + z²) (R Hmisc::binconf(0, 10) → 0.2775328)', () => {
    const r = wilsonInterval(0, 10);
    expect(r.lower).toBe(0);
    expect(r.upper).toBeCloseTo(0.2775328, 7);
  });
  it('wider at higher confidence', () => {
    const a = wilsonInterval(30, 100, 0.9);
    const b = wilsonInterval(30, 100, 0.99);
    expect(b.lower).toBeLessThan(a.lower);
    expect(b.upper).toBeGreaterThan(a.upper);
  });
  it('properties: within [0, 1] and contains p̂', () => {
    const arb = fc
      .integer({ min: 1, max: 100000 })
      .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n), fc.double({ min: 0.5, max: 0.999, noNaN: true })));
    fc.assert(
      fc.property(arb, ([x, n, conf]) => {
        const { lower, upper } = wilsonInterval(x, n, conf);
        return lower >= 0 && upper <= 1 && lower <= x / n + 1e-12 && x / n <= upper + 1e-12;
      }),
    );
  });
  it('rejects bad input naming the function', () => {
    expect(() => wilsonInterval(1, 0)).toThrow('wilsonInterval: n must be > 0');
    expect(() => wilsonInterval(11, 10)).toThrow('wilsonInterval: successes (11) must not exceed n (10)');
    expect(() => wilsonInterval(1, 10, 1)).toThrow('wilsonInterval: confidence must be in (0, 1), got 1');
    expect(() => wilsonInterval(1, 10, 0)).toThrow(MathInputError);
  });
});

describe('costPerQualityUnit', () => {
  it('cost ÷ quality', () => {
    expect(costPerQualityUnit(0.02, 0.8)).toBeCloseTo(0.025, 15);
    expect(costPerQualityUnit(0.02, 1)).toBe(0.02);
  });
  it('rejects quality outside (0, 1] and bad cost', () => {
    expect(() => costPerQualityUnit(1, 0)).toThrow('costPerQualityUnit: quality must be in (0, 1], got 0');
    expect(() => costPerQualityUnit(1, 1.5)).toThrow(/^costPerQualityUnit: quality/);
    expect(() => costPerQualityUnit(-1, 0.5)).toThrow(/^costPerQualityUnit: costPer1kTokens/);
    expect(() => costPerQualityUnit(NaN, 0.5)).toThrow(MathInputError);
  });
});
