import betaFactory from '@stdlib/random-base-beta';
import { ValidationError } from '@lynx/schema';

export interface BanditArmCounts {
  name: string;
  /** Judged answers that passed (grader ok or feedback accepted). */
  successes: number;
  /** Judged answers that failed. */
  failures: number;
}

export interface BanditAllocationOptions {
  /** Least share each arm keeps (exploration floor), default 0.05. */
  floor?: number;
  /** Posterior draws to estimate each arm's probability of being best, default 2 000. */
  draws?: number;
  /** Uniform [0, 1) source; seeded in tests and the benchmark. */
  random: () => number;
}

/**
 * Thompson-sampling allocation ("randomized probability matching", Thompson 1933; Scott 2010,
 * Applied Stochastic Models in Business and Industry 26: 639–658; Chapelle & Li 2011): each
 * arm's pass rate has a Beta(1 + successes, 1 + failures) posterior (uniform prior), and its
 * share of traffic is the posterior probability that it is the best arm, estimated from `draws`
 * joint posterior draws. Each arm then keeps at least `floor`: w = floor + (1 − k·floor)·P(best),
 * so a bad arm keeps being measured and an arm that improves can win back traffic. Returns
 * shares summing to 1, in the arms' order.
 */
export function banditWeights(arms: readonly BanditArmCounts[], opts: BanditAllocationOptions): number[] {
  const floor = opts.floor ?? 0.05;
  const draws = opts.draws ?? 2000;
  if (!Array.isArray(arms) || arms.length === 0) throw new ValidationError('banditWeights: at least one arm is needed');
  if (!(floor >= 0 && floor * arms.length <= 1)) throw new ValidationError(`banditWeights: floor × arms must be in [0, 1], got ${floor} × ${arms.length}`);
  if (!(Number.isInteger(draws) && draws > 0)) throw new ValidationError(`banditWeights: draws must be a positive integer, got ${draws}`);
  for (const a of arms) {
    if (!(Number.isInteger(a.successes) && a.successes >= 0 && Number.isInteger(a.failures) && a.failures >= 0)) {
      throw new ValidationError(`banditWeights: arm ${a.name} needs non-negative integer counts, got ${a.successes}/${a.failures}`);
    }
  }
  if (arms.length === 1) return [1];
  const beta = betaFactory.factory({ prng: opts.random });
  const wins = new Array<number>(arms.length).fill(0);
  for (let d = 0; d < draws; d++) {
    let best = 0;
    let bestValue = -1;
    for (let i = 0; i < arms.length; i++) {
      const v = beta(1 + arms[i].successes, 1 + arms[i].failures);
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    }
    wins[best]++;
  }
  const free = 1 - floor * arms.length;
  return wins.map((w) => floor + (free * w) / draws);
}
