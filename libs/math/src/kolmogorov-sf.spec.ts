import { kolmogorovSf } from './index';
import { smirnovSf } from './smirnov-sf';

describe('kolmogorovSf (scipy.stats.kstwo.sf)', () => {
  it('n = 1: P(D_1 >= x) = 2(1 − x) for x >= 1/2 (Ruben–Gambino closed form)', () => {
    // D_1 = max(U, 1 − U) for one uniform U, so P(D_1 >= x) = 2(1 − x).
    expect(kolmogorovSf(1, 0.75)).toBeCloseTo(0.5, 14);
  });
  it('large n approaches the Kolmogorov limit: c(0.05) = 1.3581, c(0.01) = 1.6276', () => {
    // Critical values of the limiting distribution, Smirnov (1948) table, as listed in
    // https://en.wikipedia.org/wiki/Kolmogorov%E2%80%93Smirnov_test#Kolmogorov_distribution
    const n = 1_000_000;
    expect(kolmogorovSf(n, 1.3581 / Math.sqrt(n))).toBeCloseTo(0.05, 3);
    expect(kolmogorovSf(n, 1.6276 / Math.sqrt(n))).toBeCloseTo(0.01, 3);
  });
  it('is continuous where the method switches (matrix ↔ Pelz–Good ↔ one-sided tail)', () => {
    const n = 5000;
    for (const boundary of [(1.4 / n) ** (2 / 3), Math.sqrt(2.2 / n)]) {
      expect(Math.abs(kolmogorovSf(n, boundary * (1 - 1e-9)) - kolmogorovSf(n, boundary * (1 + 1e-9)))).toBeLessThan(1e-4);
    }
  });
  it('is non-increasing in x and stays in [0, 1]', () => {
    for (const n of [10, 150, 5000]) {
      let prev = 1;
      for (let x = 0; x <= 1; x += 0.01) {
        const p = kolmogorovSf(n, x);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(prev + 1e-9);
        prev = p;
      }
    }
  });
});

describe('smirnovSf (scipy.special.smirnov)', () => {
  it('scipy docs example: smirnov(5, [0, 0.5, 1]) = [1, 0.056, 0]', () => {
    expect(smirnovSf(5, 0)).toBe(1);
    expect(smirnovSf(5, 0.5)).toBeCloseTo(0.056, 14);
    expect(smirnovSf(5, 1)).toBe(0);
  });
  it('stays finite where 1 − d − j/n rounds below zero', () => {
    expect(Number.isFinite(smirnovSf(5000, 0.07 + 2e-17))).toBe(true);
  });
});
