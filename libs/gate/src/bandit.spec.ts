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

describe('banditGuardrail', () => {
  it('drops an arm whose error rate is significantly higher than the others’ (one-sided z-test, Bonferroni)', () => {
    // python: statsmodels proportions_ztest([30, 20], [300, 1000], alternative='larger') → z 6.3195, p 1.3121e-10
    const r = banditGuardrail([
      { name: 'bad', requests: 300, errors: 30 },
      { name: 'ok', requests: 1000, errors: 20 },
    ]);
    expect(r[0]).toMatchObject({ name: 'bad', drop: true });
    expect(r[0].p_value).toBeCloseTo(1.312108649e-10, 15);
    expect(r[1].drop).toBe(false);
  });
  it('keeps an arm whose rise is not significant at α/k, or with too few requests', () => {
    // python: proportions_ztest([12, 20], [300, 1000], alternative='larger') → p 0.024953 (> 0.001 / 2)
    const r = banditGuardrail([
      { name: 'a', requests: 300, errors: 12 },
      { name: 'b', requests: 1000, errors: 20 },
    ]);
    expect(r[0].drop).toBe(false);
    expect(r[0].p_value).toBeCloseTo(0.0249527, 6);
    expect(banditGuardrail([{ name: 'a', requests: 10, errors: 10 }, { name: 'b', requests: 1000, errors: 0 }])[0]).toMatchObject({ drop: false, p_value: null });
  });
});
