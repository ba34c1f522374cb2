import { MathInputError, mannWhitneyU, obrienFlemingSpending, requiredInformation } from './index';

// Reference values from scipy 1.x / statsmodels in a scratch venv; each comment gives the expression.
describe("obrienFlemingSpending (Lan–DeMets, O'Brien–Fleming type)", () => {
  it.each([
    // 2*(1-norm.cdf(norm.ppf(1-a/2)/math.sqrt(t)))
    [0.5, 0.025, 0.0015253227579890005],
    [0.25, 0.025, 7.366808435937955e-6],
    [0.75, 0.002, 0.0003593146914180334],
    [1, 0.002, 0.002],
    [0.1, 0.05, 5.720319773416804e-10],
  ])('α(%p) at α = %p is %p', (t, alpha, expected) => {
    expect(obrienFlemingSpending(t, alpha)).toBeCloseTo(expected, 12);
    expect(obrienFlemingSpending(t, alpha) / expected).toBeCloseTo(1, 6);
  });
  it('spends nothing at t = 0 and grows with t', () => {
    expect(obrienFlemingSpending(0, 0.05)).toBe(0);
    expect(obrienFlemingSpending(0.3, 0.05)).toBeLessThan(obrienFlemingSpending(0.6, 0.05));
  });
  it('refuses bad input naming the function', () => {
    expect(() => obrienFlemingSpending(1.1, 0.05)).toThrow('obrienFlemingSpending: t must be in [0, 1]');
    expect(() => obrienFlemingSpending(0.5, 0)).toThrow(MathInputError);
  });
});

describe('requiredInformation', () => {
  it.each([
    // zt_ind_solve_power(effect_size=d, alpha=a, power=p, alternative='larger') / 2
    [0.1, 0.025, 0.9, 1050.742306139178],
    [0.04, 0.002, 0.99, 16929.32519576776],
    [0.5, 0.05, 0.8, 24.730228928157977],
  ])('δ %p, α %p, power %p → %p', (d, a, p, expected) => {
    expect(requiredInformation(d, a, p)).toBeCloseTo(expected, 3);
  });
  it('refuses bad input naming the function', () => {
    expect(() => requiredInformation(0, 0.05, 0.8)).toThrow('requiredInformation: delta');
    expect(() => requiredInformation(0.1, 0.6, 0.8)).toThrow('alpha');
    expect(() => requiredInformation(0.1, 0.05, 0.4)).toThrow('power');
  });
});

describe('mannWhitneyU (asymptotic, tie and continuity corrections)', () => {
  it.each([
    // mannwhitneyu(x, y, alternative=alt, method='asymptotic', use_continuity=True)
    [[3, 4, 5, 6], [1, 2, 3], 'greater', 11.5, 0.03723091570870273],
    [[3, 4, 5, 6], [1, 2, 3], 'less', 11.5, 0.983843544378378],
    [[1.5, 2, 2, 7, 9, 3], [2, 4, 4, 8, 10, 11, 12], 'two-sided', 9, 0.09807508393321022],
    [[10, 12, 11, 15, 13, 14], [9, 8, 10, 7, 12], 'greater', 27, 0.017463127974771],
  ] as const)('%p vs %p (%s): U %p, p %p', (x, y, alt, u, p) => {
    const r = mannWhitneyU(x, y, alt);
    expect(r.u).toBe(u);
    expect(r.pValue).toBeCloseTo(p, 10);
  });
  it('gives p = 1 when every value is tied', () => {
    expect(mannWhitneyU([5, 5], [5, 5, 5], 'greater').pValue).toBe(1);
  });
  it('refuses bad input naming the function', () => {
    expect(() => mannWhitneyU([], [1])).toThrow('mannWhitneyU: x must not be empty');
    expect(() => mannWhitneyU([1], [1], 'up' as 'less')).toThrow('alternative');
  });
});
