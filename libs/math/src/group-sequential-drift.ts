import { groupSequentialExit } from './group-sequential-exit';
import { MathInputError } from './math-input-error';

/**
 * The drift θ (E[Z] at full information) at which a two-sided group-sequential test with bounds
 * ±c_k at the information fractions t_k crosses the upper bound with probability `power`, by
 * root-finding over `groupSequentialExit`. Divided by the fixed-sample drift z₁₋α/₂ + z₁₋β and
 * squared, it is the inflation factor of the maximum sample size over the fixed design
 * (Jennison & Turnbull 2000, Group Sequential Methods, §2.3, §7.2; about 1.03 for O'Brien–Fleming
 * with 5 looks at α = 0.05, power 0.8).
 *
 * @example groupSequentialDrift([4.877, 3.357, 2.680, 2.290, 2.031], [0.2, 0.4, 0.6, 0.8, 1], 0.8) // → ≈ 2.84
 */
export function groupSequentialDrift(bounds: readonly number[], timings: readonly number[], power = 0.8, gridPoints = 101): number {
  const fn = 'groupSequentialDrift';
  if (typeof power !== 'number' || !(power > 0 && power < 1)) throw new MathInputError(fn, `power must be in (0, 1), got ${String(power)}`);
  const upper = (theta: number) => groupSequentialExit(bounds, timings, theta, gridPoints).upper.reduce((s, p) => s + p, 0);
  const atNull = upper(0);
  if (atNull >= power) throw new MathInputError(fn, `the bounds cross with probability ${atNull} already under the null; power must exceed it`);
  // Regula falsi with the Illinois modification on [0, 20]: each step is a full recursion, and
  // this needs ~8 of them where bisection to the same precision needs ~25.
  let a = 0;
  let fa = atNull - power;
  let b = 20;
  let fb = upper(b) - power;
  let side = 0;
  for (let i = 0; i < 100 && b - a > 1e-9; i++) {
    const c = (a * fb - b * fa) / (fb - fa);
    const fc = upper(c) - power;
    if (Math.abs(fc) < 1e-10) return c;
    if (fc * fb > 0) {
      b = c;
      fb = fc;
      if (side === -1) fa /= 2;
      side = -1;
    } else {
      a = c;
      fa = fc;
      if (side === 1) fb /= 2;
      side = 1;
    }
  }
  return (a + b) / 2;
}
