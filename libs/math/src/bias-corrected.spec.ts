import { MathInputError, binomialCdf, klDivergence, klDivergenceCorrected, noncentralChiSquareSf, psi, psiCorrected } from './index';

describe('klDivergenceCorrected (Miller–Madow for two samples)', () => {
  it('matches scipy.stats.entropy minus (k−1)/2·(1/n+1/m)', () => {
    // scipy.stats.entropy([60,40],[50,50]) - 0.5*(1/100+1/100)
    expect(klDivergenceCorrected([60, 40], [50, 50], 0)).toBeCloseTo(0.010135513550688863, 12);
    // c=[30,0,12,7,51], r=[25,3,20,0,40], both smoothed with eps=1e-4 as (x/sum+eps)/(1+5*eps):
    // scipy.stats.entropy(sm(c), sm(r)) - 4/2*(1/100+1/88)
    expect(klDivergenceCorrected([30, 0, 12, 7, 51], [25, 3, 20, 0, 40])).toBeCloseTo(0.41418902896303134, 10);
  });
  it('counts only bins non-empty in either sample', () => {
    expect(klDivergenceCorrected([60, 40, 0], [50, 50, 0], 0)).toBeCloseTo(klDivergenceCorrected([60, 40], [50, 50], 0), 12);
  });
  it('is centred near zero on identical distributions where the plug-in is not', () => {
    const same = Array.from({ length: 50 }, (_, i) => 10 + (i % 3));
    expect(klDivergence(same, same)).toBe(0);
    expect(klDivergenceCorrected(same, same)).toBeLessThan(0);
  });
  it('guards name the function', () => {
    expect(() => klDivergenceCorrected([1, 2], [1])).toThrow(new MathInputError('klDivergenceCorrected', 'current and reference must have the same length (2 vs 1)'));
    expect(() => klDivergenceCorrected([0, 0], [1, 1])).toThrow('klDivergenceCorrected: current must not be all zero');
  });
});

describe('psiCorrected', () => {
  it('matches the PSI formula minus (k−1)·(1/n+1/m)', () => {
    // sum((a-e)*log(a/e)) on [0.6,0.4] vs [0.5,0.5], minus (1/100+1/100)
    expect(psiCorrected([50, 50], [60, 40], 0)).toBeCloseTo(0.02054651081081642, 12);
    // sum((ps-pe)*log(ps/pe)) - 4*(1/100+1/88), smoothed as above
    expect(psiCorrected([25, 3, 20, 0, 40], [30, 0, 12, 7, 51])).toBeCloseTo(0.64747676812745, 10);
    expect(psiCorrected([25, 3, 20, 0, 40], [30, 0, 12, 7, 51])).toBeLessThan(psi([25, 3, 20, 0, 40], [30, 0, 12, 7, 51]));
  });
  it('guards name the function', () => {
    expect(() => psiCorrected([1, -1], [1, 1])).toThrow(/^psiCorrected: expected\[1\] must not be negative/);
  });
});

describe('noncentralChiSquareSf', () => {
  it.each([
    // scipy.stats.ncx2.sf(x, df, nc) (nc = 0: scipy.stats.chi2.sf(x, df))
    [120, 96, 50, 0.9116452511146254],
    [50, 9, 0, 1.0772382022574693e-7],
    [136.5, 96, 0, 0.004181490905376045],
    [200, 96, 150.3, 0.9562236561342642],
    [10, 3, 7, 0.43469854590053864],
    [700, 96, 555, 0.1590909343008392],
  ])('sf(%p; dof %p, λ %p) = %p', (x, dof, lambda, expected) => {
    const got = noncentralChiSquareSf(x, dof, lambda);
    expect(Math.abs(got - expected)).toBeLessThan(Math.max(1e-9, expected * 1e-7));
  });
  it('edges and guards', () => {
    expect(noncentralChiSquareSf(0, 5, 3)).toBe(1);
    expect(noncentralChiSquareSf(Infinity, 5, 3)).toBe(0);
    expect(() => noncentralChiSquareSf(1, 0, 1)).toThrow(/^noncentralChiSquareSf: dof/);
    expect(() => noncentralChiSquareSf(1, 2, -1)).toThrow(/^noncentralChiSquareSf: lambda/);
  });
});

describe('binomialCdf', () => {
  it.each([
    // scipy.stats.binom.cdf(k, n, p)
    [160, 200, 0.85, 0.0335461855955679],
    [0, 10, 0.3, 0.028247524900000005],
    [7, 10, 0.3, 0.9984096136],
    [4500, 5000, 0.91, 0.007886504282834978],
    [880, 1000, 0.9, 0.021996144965794173],
    [30, 1000000, 0.00001, 0.9999999201791676],
  ])('cdf(%p; n %p, p %p) = %p', (k, n, p, expected) => {
    expect(Math.abs(binomialCdf(k, n, p) - expected)).toBeLessThan(expected * 1e-9);
  });
  it('edges and guards', () => {
    expect(binomialCdf(-1, 5, 0.5)).toBe(0);
    expect(binomialCdf(5, 5, 0.5)).toBe(1);
    expect(binomialCdf(2, 5, 0)).toBe(1);
    expect(binomialCdf(2, 5, 1)).toBe(0);
    expect(() => binomialCdf(1, 2.5, 0.5)).toThrow(/^binomialCdf: n/);
    expect(() => binomialCdf(1, 2, 1.5)).toThrow(/^binomialCdf: p/);
  });
});
