import type { DriftDecision } from '@lynx/schema';
import type { DriftLevel } from './drift-level';

/** What the worker remembers per (model, digest) between windows. */
export interface DriftDecisionState {
  /** The raw level of the last window that had a reference and enough events. */
  lastRaw?: DriftLevel;
  lastWindowId?: string;
}

/**
 * A model's retrain cooldown, counted in closed windows: `left` windows after the one that asked
 * for a retrain may not ask again. `lastWindowId`/`held` make a step idempotent per window, so a
 * second version of the same model in the same window, or a re-run of a close, sees the same answer.
 */
export interface DriftCooldown {
  left: number;
  lastWindowId?: string;
  held?: boolean;
}

export interface DecideDriftInput {
  windowId: string;
  hasReference: boolean;
  count: number;
  minCount: number;
  /** This window's strongest verdict against the reference (driftLevel). */
  raw: DriftLevel;
  state: DriftDecisionState;
  cooldown: DriftCooldown;
  /** Windows after a retrain request during which a retrain-level window reports `watch`. */
  cooldownWindows: number;
}

export interface DecideDriftResult {
  decision: DriftDecision;
  reasons: string[];
  next: DriftDecisionState;
  cooldown: DriftCooldown;
}

const RANK: Record<DriftLevel, number> = { none: 0, watch: 1, retrain: 2 };

/** Advances the cooldown to `windowId` once: is a retrain held back in this window, and what is left after it. */
export function stepDriftCooldown(c: DriftCooldown, windowId: string): { held: boolean; next: DriftCooldown } {
  if (c.lastWindowId === windowId) return { held: c.held ?? false, next: c };
  const held = c.left > 0;
  return { held, next: { left: Math.max(0, c.left - 1), lastWindowId: windowId, held } };
}

/**
 * The window's decision. No profile → `no_reference`; fewer events than the minimum window (see
 * driftMinimumWindow) → `insufficient_data` and nothing else changes. Otherwise hysteresis:
 * `watch` needs two consecutive windows at or over a watch threshold; one window over a retrain
 * threshold is `retrain` at once; going down is immediate. A retrain during the cooldown reports
 * `watch`; a retrain starts a cooldown of `cooldownWindows` windows. Windows, not wall time, so
 * closing windows by hand (`lynx drift close`) advances it the same as the schedule does.
 */
export function decideDrift(input: DecideDriftInput): DecideDriftResult {
  const { state } = input;
  if (!Number.isInteger(input.cooldownWindows) || input.cooldownWindows < 0) {
    throw new RangeError(`decideDrift: cooldownWindows must be an integer >= 0, got ${String(input.cooldownWindows)}`);
  }
  const step = stepDriftCooldown(input.cooldown, input.windowId);
  if (!input.hasReference) {
    return { decision: 'no_reference', reasons: ['no reference profile for this version (lynx drift profile)'], next: state, cooldown: step.next };
  }
  if (input.count < input.minCount) {
    return {
      decision: 'insufficient_data',
      reasons: [`${input.count} events < minimum window ${input.minCount}: no decision (close the window later, or lower LYNX_DRIFT_MIN_COUNT knowingly)`],
      next: state,
      cooldown: step.next,
    };
  }
  const next: DriftDecisionState = { ...state, lastRaw: input.raw, lastWindowId: input.windowId };
  const reasons: string[] = [];
  let decision: DriftLevel = 'none';
  if (input.raw === 'retrain') {
    decision = 'retrain';
    reasons.push('a metric is over its retrain threshold');
  } else if (input.raw === 'watch') {
    if (RANK[state.lastRaw ?? 'none'] >= RANK.watch) {
      decision = 'watch';
      reasons.push('over a watch threshold for two consecutive windows');
    } else {
      reasons.push('over a watch threshold for the first window: watch if the next window is too');
    }
  }
  let cooldown = step.next;
  if (decision === 'retrain' && step.held) {
    decision = 'watch';
    reasons.push(`retrain cooldown: ${input.cooldown.left} window(s) left after the last retrain request, no new request`);
  } else if (decision === 'retrain') {
    cooldown = { left: input.cooldownWindows, lastWindowId: input.windowId, held: true };
  }
  return { decision, reasons, next, cooldown };
}
