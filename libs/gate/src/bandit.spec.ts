import mt19937 from '@stdlib/random-base-mt19937';
import { banditGuardrail } from './bandit-guardrail';
import { banditWeights } from './bandit-allocation';

const seeded = (seed: number) => {
  const prng = mt19937.factory({ seed }) as unknown as { normalized(): number };
  return () => prng.normalized();
};

describe('banditWeights (Thompson sampling)', () => {
  it('gives each arm its posterior probability of being best, above the floor', () => {
    // python: a = beta(13, 9); b = beta(11, 11); quad(lambda x: a.pdf(x) * b.cdf(x), 0, 1) → 0.7320491
    const w = banditWeights(
      [
        { name: 'a', successes: 12, failures: 8 },
        { name: 'b', successes: 10, failures: 10 },
      ],
      { floor: 0, draws: 40_000, random: seeded(1) },
    );
    expect(w[0]).toBeCloseTo(0.732, 2);
    expect(w[0] + w[1]).toBeCloseTo(1, 12);
    const floored = banditWeights(
      [
        { name: 'a', successes: 12, failures: 8 },
        { name: 'b', successes: 10, failures: 10 },
      ],
      { floor: 0.1, draws: 40_000, random: seeded(1) },
    );
    expect(floored[0]).toBeCloseTo(0.1 + 0.8 * 0.732, 2);
  });
  it('a clearly worse arm gets the floor; equal arms split evenly; same seed, same weights', () => {
    const arms = [
      { name: 'good', successes: 900, failures: 100 },
      { name: 'bad', successes: 700, failures: 300 },
      { name: 'good2', successes: 0, failures: 0 },
    ];
    const w = banditWeights(arms.slice(0, 2), { random: seeded(2) });
    expect(w[0]).toBeCloseTo(0.95, 12);
    expect(w[1]).toBeCloseTo(0.05, 12);
    const even = banditWeights(
      [
        { name: 'x', successes: 0, failures: 0 },
        { name: 'y', successes: 0, failures: 0 },
      ],
      { floor: 0, draws: 20_000, random: seeded(3) },
    );
    expect(even[0]).toBeCloseTo(0.5, 1);
    expect(banditWeights(arms, { random: seeded(4) })).toEqual(banditWeights(arms, { random: seeded(4) }));
  });
  it('refuses a floor that leaves nothing, and bad counts', () => {
    expect(() => banditWeights([{ name: 'a', successes: 1, failures: 1 }, { name: 'b', successes: 1, failures: 1 }], { floor: 0.6, random: Math.random })).toThrow('floor');
    expect(() => banditWeights([{ name: 'a', successes: -1, failures: 1 }], { random: Math.random })).toThrow('non-negative integer');
  });
});

// Always-valid p-values: 1/Λ of the one-sided normal mixture (τ = 0.02) on the pooled score, the
// mixture integral computed independently by numerical integration (scipy 1.17):
//   P = (x1+x2)/(n1+n2); V = P*(1-P)*(1/n1+1/n2); I = 1/V; S = (x1/n1 - x2/n2)*I
//   Λ = quad(lambda th: exp(th*S - th*th*I/2) * 2*norm.pdf(th/0.02)/0.02, 0, inf);  p = min(1, 1/Λ)
describe('banditGuardrail', () => {
  it('drops an arm whose error rate is higher than the others’ beyond the always-valid boundary', () => {
    // 30/300 vs 20/1000: p = 1/Λ = 6.016036937e-07 (the fixed-look z-test's would be 1.31e-10)
    const r = banditGuardrail([
      { name: 'bad', requests: 300, errors: 30 },
      { name: 'ok', requests: 1000, errors: 20 },
    ]);
    expect(r[0]).toMatchObject({ name: 'bad', drop: true, level: 0.005 });
    expect(r[0].p_value! / 6.016036937e-7).toBeCloseTo(1, 6);
    expect(r[0].evidence! * 6.016036937e-7).toBeCloseTo(1, 6);
    expect(r[0].reason).toContain('always-valid mixture SPRT p = 6.02e-7, level 0.00500 over the whole run');
    expect(r[1].drop).toBe(false);
    expect(r[1].p_value).toBe(1);
  });
  it('keeps what a per-look z-test at 0.001/k would have dropped: the boundary is paid for every look', () => {
    // 70/3500 vs 35/3500: proportions_ztest([70, 35], [3500, 3500], alternative='larger') → p 2.8919e-4 < 0.0005
    // (the old rule's level), but p = 1/Λ = 0.010535009 > 0.01/2
    const r = banditGuardrail([
      { name: 'a', requests: 3500, errors: 70 },
      { name: 'b', requests: 3500, errors: 35 },
    ]);
    expect(r[0].drop).toBe(false);
    expect(r[0].p_value).toBeCloseTo(0.010535009, 7);
    // 40/1000 vs 10/1000: p = 1/Λ = 4.0516117e-4 < 0.005, dropped
    const s = banditGuardrail([
      { name: 'a', requests: 1000, errors: 40 },
      { name: 'b', requests: 1000, errors: 10 },
    ]);
    expect(s[0].drop).toBe(true);
    expect(s[0].p_value! / 4.0516117e-4).toBeCloseTo(1, 5);
  });
  it('keeps an arm whose rise is not significant, or below minRise, or with too few requests or errors to test', () => {
    // 12/300 vs 20/1000: p = 1/Λ = 0.249434798
    const r = banditGuardrail([
      { name: 'a', requests: 300, errors: 12 },
      { name: 'b', requests: 1000, errors: 20 },
    ]);
    expect(r[0].drop).toBe(false);
    expect(r[0].p_value).toBeCloseTo(0.249434798, 7);
    expect(banditGuardrail([{ name: 'a', requests: 300, errors: 30 }, { name: 'b', requests: 1000, errors: 20 }], { minRise: 0.1 })[0].drop).toBe(false);
    expect(banditGuardrail([{ name: 'a', requests: 10, errors: 10 }, { name: 'b', requests: 1000, errors: 0 }])[0]).toMatchObject({ drop: false, p_value: null });
    // 4 errors in 1 300 requests: 300 × 4/1300 = 0.92 expected on the smaller side, fewer than 5
    expect(banditGuardrail([{ name: 'a', requests: 300, errors: 3 }, { name: 'b', requests: 1000, errors: 1 }])[0]).toMatchObject({ drop: false, p_value: null, reason: expect.stringContaining('too few errors to test') });
    expect(banditGuardrail([{ name: 'a', requests: 300, errors: 0 }, { name: 'b', requests: 1000, errors: 0 }], { minExpectedErrors: 0 })[0]).toMatchObject({ drop: false, p_value: 1 });
  });
  it('refuses bad options and counts', () => {
    expect(() => banditGuardrail([{ name: 'a', requests: 1, errors: 2 }])).toThrow('errors <= requests');
    expect(() => banditGuardrail([], { alpha: 0 })).toThrow('alpha');
    expect(() => banditGuardrail([], { tau: 0 })).toThrow('tau');
  });
});
