import type { DriftVerdict } from './histogram-drift';

export type DriftLevel = 'none' | 'watch' | 'retrain';

/** The window's raw severity: the strongest deciding verdict (any `drift` → retrain, any `watch` → watch). */
export function driftLevel(verdicts: readonly DriftVerdict[]): DriftLevel {
  if (verdicts.includes('drift')) return 'retrain';
  if (verdicts.includes('watch')) return 'watch';
  return 'none';
}
