// Default drift thresholds, shared by `lynx drift compare` and the drift worker.

/**
 * PSI: the industry rule of thumb (< 0.1 stable, 0.1–0.25 watch, > 0.25 retrain).
 * KL(current‖reference): half of PSI's, because PSI = KL(c‖r) + KL(r‖c) and the two halves are
 * about equal for small shifts. JS distance (base 2): 0.1 watch (Evidently's default JS
 * threshold) and 0.2 retrain; for small shifts JS² ≈ PSI / (8 ln 2), so these sit just below
 * PSI's 0.1 / 0.25 (≈ 0.13 / 0.21). KS: p < 0.05 is "watch" and never "retrain" on its own —
 * with thousands of samples KS flags shifts too small to matter.
 */
export const DRIFT_THRESHOLDS = {
  psi: { watch: 0.1, retrain: 0.25 },
  kl: { watch: 0.05, retrain: 0.125 },
  js: { watch: 0.1, retrain: 0.2 },
  ksPValue: 0.05,
} as const;

export interface ThresholdPair {
  watch: number;
  retrain: number;
}

export interface DriftThresholds {
  psi: ThresholdPair;
  kl: ThresholdPair;
  js: ThresholdPair;
  ksPValue: number;
}

/**
 * What the minimum drift window is sized for (driftMinimumWindow): the design shift — 10 % of the
 * traffic moving onto 3 of 97 equally likely categories, true KL 0.0895 nats, the middle of the watch band
 * — flagged with power 0.8, and at most 1 % false alarms per window spread over six deciding
 * metrics. For the tutor's profile (97 lemmas, 6 000 reference events) this gives 500 events.
 */
export const DRIFT_WINDOW_DESIGN = {
  shiftKl: 0.0895,
  power: 0.8,
  windowFalseAlarm: 0.01,
  decidingMetrics: 6,
} as const;

/** Windows after a retrain request during which the same model asks for no other. */
export const DRIFT_COOLDOWN_WINDOWS = 1;
