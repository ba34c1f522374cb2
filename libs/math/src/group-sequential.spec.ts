import { MathInputError, groupSequentialBounds, groupSequentialDrift, groupSequentialExit, obrienFlemingSpending } from './index';

const FIVE = [0.2, 0.4, 0.6, 0.8, 1];

describe('obrienFlemingSpending, two-sided (α/2 per side)', () => {
  it('spends α/2 per side in the Lan–DeMets O’Brien–Fleming shape', () => {
    // python: 2*(2-2*scipy.stats.norm.cdf(norm.ppf(1-0.05/4)/np.sqrt(.5))) → 0.003050645515978001
    expect(2 * obrienFlemingSpending(0.5, 0.025)).toBeCloseTo(0.003050645515978001, 12);
    expect(obrienFlemingSpending(0, 0.025)).toBe(0);
    expect(2 * obrienFlemingSpending(1, 0.025)).toBeCloseTo(0.05, 12);
  });
  it('increases with t and refuses t outside [0, 1]', () => {
    const xs = [0.05, 0.1, 0.3, 0.6, 0.9].map((t) => obrienFlemingSpending(t, 0.025));
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThan(xs[i - 1]);
    expect(() => obrienFlemingSpending(1.2, 0.025)).toThrow('obrienFlemingSpending: t must be');
    expect(() => obrienFlemingSpending(0.5, 0)).toThrow(MathInputError);
  });
});

describe('groupSequentialBounds', () => {
  it('matches the published Lan–DeMets O’Brien–Fleming bounds for 5 equally spaced looks, α = 0.05', () => {
    // R ldbounds::bounds((1:5)/5, iuse = c(1, 1), alpha = c(.025, .025))$upper.bounds and
    // gsDesign(k = 5, test.type = 2, alpha = .025, sfu = sfLDOF)$upper$bound: 4.877 3.357 2.680 2.290 2.031
    const b = groupSequentialBounds(FIVE, 0.05);
    [4.877, 3.357, 2.68, 2.29, 2.031].forEach((v, i) => expect(b[i]).toBeCloseTo(v, 3));
  });
  it('crosses under the null with the spent α at each look (scipy multivariate normal)', () => {
    // python: C = sqrt(min(ti,tj)/max(ti,tj)); 1 - multivariate_normal(zeros(k), C[:k,:k]).cdf(b[:k], lower_limit=-b[:k])
    //   → k=1..5: 1.0777e-06, 0.00078830, 0.0076161, 0.024424, 0.050000
    const b = groupSequentialBounds(FIVE, 0.05);
    const e = groupSequentialExit(b, FIVE);
    let cum = 0;
    [1.0777425256680573e-6, 0.0007883035145070938, 0.007616126444801585, 0.02442357716175214, 0.05].forEach((v, k) => {
      cum += e.upper[k] + e.lower[k];
      expect(cum).toBeCloseTo(v, 6);
    });
  });
  it('handles 20 looks (every 5 %), whose first share (~10⁻²³) underflows a quantile function', () => {
    const t = Array.from({ length: 20 }, (_, i) => (i + 1) / 20);
    const b = groupSequentialBounds(t, 0.05);
    expect(b[0]).toBeGreaterThan(9);
    expect(Number.isFinite(b[0])).toBe(true);
    for (let i = 1; i < b.length; i++) expect(b[i]).toBeLessThan(b[i - 1]);
    const e = groupSequentialExit(b, t);
    expect(e.upper.reduce((s, p) => s + p, 0)).toBeCloseTo(0.025, 6);
  });
  it('refuses timings that do not increase', () => {
    expect(() => groupSequentialBounds([0.5, 0.5])).toThrow('groupSequentialBounds: timings must increase');
    expect(() => groupSequentialBounds([])).toThrow(MathInputError);
  });
});

describe('groupSequentialExit', () => {
  it('the classical O’Brien–Fleming bounds (C = 2.040, 5 looks) exit with total α = 0.05', () => {
    // O'Brien & Fleming (1979); Jennison & Turnbull (2000) Table 2.3: c_k = 2.040·√(5/k)
    const e = groupSequentialExit([4.562, 3.226, 2.634, 2.281, 2.04], FIVE);
    const total = [...e.upper, ...e.lower].reduce((s, p) => s + p, 0);
    expect(total).toBeCloseTo(0.05, 3);
    e.upper.forEach((u, k) => expect(u).toBeCloseTo(e.lower[k], 12)); // symmetric under the null
  });
  it('one look is the fixed-sample z-test', () => {
    const e = groupSequentialExit([1.959964], [1]);
    expect(e.upper[0] + e.lower[0]).toBeCloseTo(0.05, 6);
  });
});

describe('groupSequentialDrift', () => {
  it('finds the drift with 80 % power for the 5-look bounds (scipy: power 0.8000 at θ = 2.8360)', () => {
    // python: t = (1:5)/5; 1 - multivariate_normal(2.836001*sqrt(t), C).cdf(b, lower_limit=-inf) → 0.79999999
    const b = groupSequentialBounds(FIVE, 0.05);
    const theta = groupSequentialDrift(b, FIVE, 0.8);
    expect(theta).toBeCloseTo(2.836, 3);
    // inflation over the fixed design: (θ / (z.975 + z.8))² ≈ 1.026 (Jennison & Turnbull Table 7.x: 1.026 for OBF-type, K = 5)
    expect((theta / (1.959964 + 0.841621)) ** 2).toBeCloseTo(1.026, 2);
  });
  it('refuses a power the null already reaches', () => {
    expect(() => groupSequentialDrift([0.1], [1], 0.4)).toThrow('groupSequentialDrift');
  });
});
