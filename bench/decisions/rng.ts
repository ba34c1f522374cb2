// Seeded random draws for the decision simulations: stdlib's Mersenne Twister with its binomial,
// beta and normal samplers on top, so a run with the same seed draws the same numbers anywhere.
import mt19937 from '@stdlib/random-base-mt19937';
import binomialFactory from '@stdlib/random-base-binomial';
import betaFactory from '@stdlib/random-base-beta';
import normalFactory from '@stdlib/random-base-normal';

export interface Rng {
  /** uniform on [0, 1) */
  uniform(): number;
  bernoulli(p: number): boolean;
  binomial(n: number, p: number): number;
  beta(a: number, b: number): number;
  normal(mu: number, sigma: number): number;
}

export function seededRng(seed: number): Rng {
  // The generator's own `normalized` draws uniforms on [0, 1); its typings omit it.
  const prng = mt19937.factory({ seed }) as unknown as { normalized(): number };
  const uniform = () => prng.normalized();
  const binomial = binomialFactory.factory({ prng: uniform });
  const beta = betaFactory.factory({ prng: uniform });
  const normal = normalFactory.factory({ prng: uniform });
  return {
    uniform,
    bernoulli: (p) => uniform() < p,
    binomial: (n, p) => (n === 0 ? 0 : binomial(n, p)),
    beta: (a, b) => beta(a, b),
    normal: (mu, sigma) => normal(mu, sigma),
  };
}
