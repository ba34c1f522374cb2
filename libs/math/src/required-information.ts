import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { MathInputError } from './math-input-error';

/**
 * Fisher information (1 / Var of the estimated difference) a one-sided z-test at level α needs
 * to detect a true difference δ with the given power: I = ((z₁₋α + z_power) / δ)².
 * For two groups with per-observation variance σ² and n₁, n₂ observations, Var = σ²(1/n₁ + 1/n₂),
 * so the sample size follows for any allocation; with equal groups and σ = 1 this is
 * statsmodels' zt_ind_solve_power(effect_size=δ, alpha, power, alternative='larger') / 2.
 *
 * Reference: C. Jennison and B. W. Turnbull, Group Sequential Methods with Applications to
 * Clinical Trials (2000), §3.1 (the fixed-sample information I_f).
 *
 * @example requiredInformation(0.1, 0.025, 0.9) // → 1050.742
 */
export function requiredInformation(delta: number, alpha: number, power: number): number {
  const fn = 'requiredInformation';
  if (typeof delta !== 'number' || !(delta > 0) || !Number.isFinite(delta)) throw new MathInputError(fn, `delta must be a finite number > 0, got ${String(delta)}`);
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 0.5)) throw new MathInputError(fn, `alpha must be in (0, 0.5), got ${String(alpha)}`);
  if (typeof power !== 'number' || !(power > 0.5 && power < 1)) throw new MathInputError(fn, `power must be in (0.5, 1), got ${String(power)}`);
  const z = normalQuantile(1 - alpha, 0, 1) + normalQuantile(power, 0, 1);
  return (z / delta) ** 2;
}
