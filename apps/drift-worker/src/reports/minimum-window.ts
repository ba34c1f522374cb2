import { driftMinimumWindow } from '@lynx/gate';
import { DRIFT_WINDOW_DESIGN, type DriftThresholds } from '@lynx/schema';
import type { ReferenceProfile } from '../profiles/profile';

/** Used when a profile is too small for any window to reach the design power: decide nothing. */
const UNREACHABLE = Number.MAX_SAFE_INTEGER;
const cache = new Map<string, number>();

/**
 * The window size below which a version's report is `insufficient_data`: LYNX_DRIFT_MIN_COUNT
 * when set, else driftMinimumWindow for this reference profile — its largest categorical
 * histogram and its size, the KL watch threshold and DRIFT_WINDOW_DESIGN (500 events for the
 * tutor's 97 lemmas over 6 000 corpus items).
 */
export function minimumWindow(configured: number | undefined, reference: ReferenceProfile | null, thresholds: DriftThresholds): number {
  if (configured !== undefined) return configured;
  if (!reference) return 0;
  const categories = Math.max(2, ...Object.values(reference.categorical).map((h) => Object.values(h).filter((v) => v > 0).length));
  const key = `${categories}|${reference.items}|${thresholds.kl.watch}`;
  let n = cache.get(key);
  if (n === undefined) {
    const d = DRIFT_WINDOW_DESIGN;
    try {
      n = driftMinimumWindow({ categories, referenceSize: reference.items, shiftKl: d.shiftKl, watch: thresholds.kl.watch, falseAlarm: d.windowFalseAlarm / d.decidingMetrics, power: d.power });
    } catch {
      n = UNREACHABLE;
    }
    cache.set(key, n);
  }
  return n;
}
