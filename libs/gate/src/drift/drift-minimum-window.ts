import { noncentralChiSquareSf } from '@lynx/math';

export interface MinimumWindowInput {
  /** Categories of the largest deciding histogram (97 verb lemmas for the tutor). */
  categories: number;
  /** Events in the reference profile. */
  referenceSize: number;
  /** The shift the window must catch, as its true KL in nats (the design shift: DRIFT_WINDOW_DESIGN.shiftKl). */
  shiftKl: number;
  /** KL watch threshold the corrected value is compared with. */
  watch: number;
  /** Highest false-alarm probability allowed per deciding metric per window. */
  falseAlarm: number;
  /** Lowest probability of flagging the design shift at least `watch`. */
  power: number;
  /** n is searched in these steps (default 50) up to `max` (default 100 000). */
  step?: number;
  max?: number;
}

/**
 * The minimum window size before a drift decision is made, from a power calculation.
 *
 * With N = 1/(1/n + 1/m), 2·N·KL̂ is the G statistic: ≈ χ²(k − 1) with no shift and ≈ noncentral
 * χ²(k − 1, λ = 2·N·δ) under a shift of true KL δ (Agresti, Categorical Data Analysis, 3rd ed.,
 * §6.6.4 — power of chi-square tests through the noncentral χ²). The corrected KL crosses the watch
 * line w when G ≥ (k − 1) + 2·N·w. The minimum is the smallest n (in `step`s) where that happens
 * with probability ≤ `falseAlarm` without a shift and ≥ `power` under the design shift; below it a
 * window is `insufficient_data`. Throws when no n up to `max` qualifies.
 */
export function driftMinimumWindow(input: MinimumWindowInput): number {
  const { categories: k, referenceSize: m, shiftKl, watch, falseAlarm, power } = input;
  const step = input.step ?? 50;
  const max = input.max ?? 100_000;
  if (!(Number.isInteger(k) && k >= 2)) throw new RangeError(`driftMinimumWindow: categories must be an integer >= 2, got ${String(k)}`);
  if (!(m > 0)) throw new RangeError(`driftMinimumWindow: referenceSize must be > 0, got ${String(m)}`);
  if (!(shiftKl > watch)) throw new RangeError(`driftMinimumWindow: shiftKl (${shiftKl}) must exceed the watch threshold (${watch}) or no window size catches it`);
  if (!(falseAlarm > 0 && falseAlarm < 1 && power > 0 && power < 1)) throw new RangeError('driftMinimumWindow: falseAlarm and power must be in (0, 1)');
  for (let n = step; n <= max; n += step) {
    const N = 1 / (1 / n + 1 / m);
    const critical = k - 1 + 2 * N * watch;
    if (noncentralChiSquareSf(critical, k - 1, 0) > falseAlarm) continue;
    if (noncentralChiSquareSf(critical, k - 1, 2 * N * shiftKl) >= power) return n;
  }
  throw new RangeError(`driftMinimumWindow: no window of at most ${max} events reaches power ${power} at false alarm ${falseAlarm}; the reference profile (${m} events) may be too small`);
}
