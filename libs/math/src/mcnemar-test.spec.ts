import { MathInputError, mcnemarTest } from './index';

// Reference values: scipy 1.17 / statsmodels 0.15. The table passed to statsmodels is
// [[50, n10], [n01, 50]]; the concordant cells do not enter McNemar's test.
//   exact: statsmodels.stats.contingency_tables.mcnemar(table, exact=True).pvalue
//          (= scipy.stats.binomtest(min(n10, n01), n10 + n01, 0.5).pvalue)
//   mid-p: min(1, 2*scipy.stats.binom.cdf(k, m, 0.5) - scipy.stats.binom.pmf(k, m, 0.5))
describe('mcnemarTest (McNemar 1947; mid-p per Fagerland, Lydersen & Laake 2013)', () => {
  it.each([
    [12, 4, 0.04904174804687501, 0.076812744140625],
    [5, 1, 0.12499999999999997, 0.21875],
    [30, 45, 0.08464609267083582, 0.10534226887460482],
    [0, 7, 0.007812500000000052, 0.015625],
    [36, 60, 0.014389633007095674, 0.018433352931462543],
    [400, 470, 0.017648493324662496, 0.019267052848609047],
  ])('n10=%d, n01=%d: mid-p %d, exact %d', (n10, n01, midP, exactP) => {
    const r = mcnemarTest(n10, n01);
    expect(r.midP).toBeCloseTo(midP, 10);
    expect(r.exactP).toBeCloseTo(exactP, 10);
    // Symmetric in the two discordant cells.
    expect(mcnemarTest(n01, n10)).toEqual(r);
  });
  it('the mid-p lies between the asymptotic and the exact p for many discordant pairs', () => {
    // statsmodels mcnemar([[50, 400], [470, 50]], exact=False, correction=False).pvalue = 0.017633649216959108
    const r = mcnemarTest(400, 470);
    expect(r.midP).toBeGreaterThan(0.017633649216959108);
    expect(r.midP).toBeLessThan(r.exactP);
  });
  it('is 1 with no discordant pairs or an even split (statsmodels mcnemar([[50, 3], [3, 50]], exact=True).pvalue = 1.0)', () => {
    expect(mcnemarTest(0, 0)).toEqual({ midP: 1, exactP: 1 });
    expect(mcnemarTest(3, 3)).toEqual({ midP: 1, exactP: 1 });
  });
  it('refuses counts that are not non-negative integers, naming the function', () => {
    expect(() => mcnemarTest(-1, 3)).toThrow(MathInputError);
    expect(() => mcnemarTest(2.5, 3)).toThrow('mcnemarTest: n10 must be a non-negative integer');
  });
});
