import { advance, assertGridPoints, assertTimings, crossing, START } from './group-sequential-step';
import { MathInputError } from './math-input-error';

export interface GroupSequentialExit {
  /** P(first crossing is at look k, above +bound) */
  upper: number[];
  /** P(first crossing is at look k, below −bound) */
  lower: number[];
}

/**
 * First-crossing probabilities of a two-sided group-sequential test with symmetric bounds
 * ±c_k on the standardised statistic Z_k at information fractions t_k, when E[Z_k] = θ·√t_k
 * (θ = 0 under the null). Z_k·√t_k is a Brownian motion observed at t_k (independent
 * increments), so the density of the continuing paths is carried from look to look by the
 * recursive numerical integration of Armitage, McPherson & Rowe (1969), on a Simpson grid of
 * `gridPoints` per look (Jennison & Turnbull 2000, Group Sequential Methods, ch. 19).
 *
 * Reference: the classical O'Brien–Fleming bounds for 5 looks, two-sided α = 0.05 (O'Brien &
 * Fleming 1979; Jennison & Turnbull Table 2.3: C = 2.040, c_k = C·√(5/k)) exit with total 0.05.
 *
 * @example groupSequentialExit([4.562, 3.226, 2.634, 2.281, 2.040], [0.2, 0.4, 0.6, 0.8, 1]) // upper sums to ≈ 0.025
 */
export function groupSequentialExit(bounds: readonly number[], timings: readonly number[], drift = 0, gridPoints = 101): GroupSequentialExit {
  const fn = 'groupSequentialExit';
  assertTimings(fn, timings);
  assertGridPoints(fn, gridPoints);
  if (!Array.isArray(bounds) || bounds.length !== timings.length) throw new MathInputError(fn, `bounds must have one value per look (${timings.length})`);
  bounds.forEach((c, i) => {
    if (typeof c !== 'number' || !(c > 0) || Number.isNaN(c)) throw new MathInputError(fn, `bounds[${i}] must be > 0, got ${String(c)}`);
  });
  if (typeof drift !== 'number' || !Number.isFinite(drift)) throw new MathInputError(fn, `drift must be a finite number, got ${String(drift)}`);
  const upper: number[] = [];
  const lower: number[] = [];
  let paths = START;
  for (let k = 0; k < timings.length; k++) {
    const e = crossing(paths, timings[k], bounds[k], drift);
    upper.push(e.upper);
    lower.push(e.lower);
    if (k < timings.length - 1) paths = advance(paths, timings[k], bounds[k], drift, gridPoints);
  }
  return { upper, lower };
}
