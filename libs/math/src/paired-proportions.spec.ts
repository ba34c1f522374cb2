import { MathInputError, pairedSampleSize, pairedScoreTestPower, tangoScoreBound, tangoScoreStatistic } from './index';

// Reference values: scipy 1.17 / statsmodels 0.15, computed independently of the closed form —
// the restricted estimate of p21 by maximising the multinomial likelihood numerically
// (scipy.optimize.minimize_scalar, method='bounded', xatol 1e-14) and each bound by
// scipy.optimize.brentq on T(d) = ±norm.ppf(1 − alpha). The script:
//   def restricted_p21(n12, n21, n, d):   # maximise n12·log(p+d) + n21·log(p) + m·log(1−2p−d)
//   T = (n12 − n21 − n·d) / sqrt(n·(2·restricted_p21(n12, n21, n, d) + d·(1 − d)))
//   bound = brentq(lambda d: T(n12, n21, n, d) ∓ norm.ppf(1 − alpha), −1 + 1e-9, 1 − 1e-9)
// The optimiser's tolerance limits agreement to ~1e-7.

describe('tangoScoreStatistic (Tango 1998)', () => {
  it.each([
    [5, 1, 100, 0, 1.6329931866045375],
    [5, 1, 100, -0.02, 2.198218544838438],
    [3, 12, 200, 0.03, -3.433816651682754],
    [0, 0, 50, -0.02, 1.010152518499118],
    [40, 10, 2000, -0.03, 9.016058410010833],
  ])('T(n12=%d, n21=%d, n=%d, Δ0=%d) = %d (scipy)', (n12, n21, n, d, expected) => {
    expect(tangoScoreStatistic(n12, n21, n, d)).toBeCloseTo(expected, 6);
  });
  it("at Δ0 = 0 squares to McNemar's statistic (statsmodels mcnemar([[80, 5], [1, 14]], exact=False, correction=False).statistic = 2.6667)", () => {
    expect(tangoScoreStatistic(5, 1, 100, 0) ** 2).toBeCloseTo(2.6666666666666665, 8);
  });
  it('is 0 with no discordant pairs at Δ0 = 0, and decreasing in Δ0', () => {
    expect(tangoScoreStatistic(0, 0, 40, 0)).toBe(0);
    let prev = Number.POSITIVE_INFINITY;
    for (let d = -0.9; d < 0.9; d += 0.05) {
      const t = tangoScoreStatistic(7, 3, 60, d);
      expect(t).toBeLessThan(prev);
      prev = t;
    }
  });
  it('refuses bad counts naming the function', () => {
    expect(() => tangoScoreStatistic(60, 50, 100, 0)).toThrow('tangoScoreStatistic: n12 + n21 (110) must not exceed n (100)');
    expect(() => tangoScoreStatistic(1.5, 0, 10, 0)).toThrow(MathInputError);
    expect(() => tangoScoreStatistic(0, 0, 0, 0)).toThrow('n must be at least 1');
    expect(() => tangoScoreStatistic(1, 0, 10, 1.5)).toThrow('delta0');
  });
});

describe('tangoScoreBound', () => {
  it.each([
    [5, 1, 100, 0.025, 'lower', -0.010950550633750106],
    [5, 1, 100, 0.025, 'upper', 0.10342402193421704],
    [0, 0, 50, 0.05, 'lower', -0.05133318834851586],
    [12, 30, 1000, 0.05, 'lower', -0.029370442883527356],
    [12, 30, 1000, 0.001, 'upper', 0.0022681400239652426],
    [2, 9, 34, 0.05, 'lower', -0.36029852745497853],
  ] as const)('bound(n12=%d, n21=%d, n=%d, α=%d, %s) = %d (scipy brentq)', (n12, n21, n, alpha, side, expected) => {
    expect(tangoScoreBound(n12, n21, n, alpha, side)).toBeCloseTo(expected, 7);
  });
  it('clamps to [−1, 1] when every pair is discordant one way, and lower < upper', () => {
    expect(tangoScoreBound(0, 20, 20, 0.05, 'lower')).toBe(-1);
    expect(tangoScoreBound(20, 0, 20, 0.05, 'upper')).toBe(1);
    expect(tangoScoreBound(3, 4, 30, 0.05, 'lower')).toBeLessThan(tangoScoreBound(3, 4, 30, 0.05, 'upper'));
  });
  it('refuses bad alpha and side', () => {
    expect(() => tangoScoreBound(1, 1, 10, 0.6, 'lower')).toThrow('tangoScoreBound: alpha must be in (0, 0.5)');
    expect(() => tangoScoreBound(1, 1, 10, 0.05, 'middle' as 'lower')).toThrow(MathInputError);
    expect(() => tangoScoreBound(8, 8, 10, 0.05, 'lower')).toThrow('must not exceed n');
  });
});

describe('pairedScoreTestPower / pairedSampleSize (Nam 1997)', () => {
  // scipy: norm.cdf((sqrt(n)·(d − d0) − norm.ppf(1 − α)·sqrt(w0)) / sqrt(w1)), w0 from the numerically
  // maximised restricted likelihood at the expected table (counts = proportions · 1e6), w1 = p12 + p21 − d².
  it.each([
    [2000, 0.02, 0.02, -0.02, 0.05, 0.9962947651947966],
    [500, 0.03, 0.01, -0.03, 0.05, 0.9998166200184956],
    [300, 0.01, 0.07, -0.03, 0.01, 2.5624864248072627e-5],
  ])('power(n=%d, p12=%d, p21=%d, Δ0=%d, α=%d) = %d (scipy)', (n, p12, p21, d0, alpha, expected) => {
    expect(pairedScoreTestPower(n, p12, p21, d0, alpha)).toBeCloseTo(expected, 6);
  });
  it.each([
    [0.02, 0.02, -0.02, 0.05, 0.8, 694.8204575105595],
    [0.025, 0.025, -0.03, 0.05, 0.9975, 1199.740182992654],
  ])('n(p12=%d, p21=%d, Δ0=%d, α=%d, power=%d) = %d (scipy)', (p12, p21, d0, alpha, power, expected) => {
    expect(pairedSampleSize(p12, p21, d0, alpha, power)).toBeCloseTo(expected, 3);
  });
  it('the sample size gives the power it was asked for', () => {
    const n = pairedSampleSize(0.03, 0.02, -0.03, 0.05, 0.9);
    expect(pairedScoreTestPower(n, 0.03, 0.02, -0.03, 0.05)).toBeCloseTo(0.9, 8);
  });
  it('refuses effects no sample size can show, and bad input', () => {
    expect(() => pairedSampleSize(0.01, 0.07, -0.03, 0.05, 0.8)).toThrow('pairedSampleSize: the true difference');
    expect(() => pairedSampleSize(0.6, 0.6, -0.03, 0.05, 0.8)).toThrow('must not exceed 1');
    expect(() => pairedScoreTestPower(0, 0.02, 0.02, -0.02, 0.05)).toThrow('pairedScoreTestPower: n must be a positive number');
    expect(() => pairedScoreTestPower(10, 0.02, 0.02, -0.02, 0.7)).toThrow('alpha');
  });
});
