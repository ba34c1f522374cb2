import type { DriftDecision } from '@lynx/schema';

export type Level = 'none' | 'watch' | 'retrain';

/** What the worker remembers per (model, digest) between windows. */
export interface DecisionState {
  /** The raw level of the last window that had a reference and enough events. */
  lastRaw?: Level;
  lastWindowId?: string;
}

export interface DecideInput {
  hasReference: boolean;
  count: number;
  minCount: number;
  /** This window's strongest verdict against the reference (see rawLevel). */
  raw: Level;
  state: DecisionState;
  /** Epoch ms until which a new retrain request for the model is held back; 0 when none. */
  cooldownUntil: number;
  now: number;
}

export interface DecideResult {
  decision: DriftDecision;
  reasons: string[];
  /** State to keep for the next window. */
  next: DecisionState;
}

const RANK: Record<Level, number> = { none: 0, watch: 1, retrain: 2 };

/**
 * The window's decision with hysteresis: `watch` needs two consecutive windows at or over the
 * watch thresholds; one window over a retrain threshold is `retrain` at once; going down is
 * immediate. During the cooldown after a retrain request a retrain-level window reports `watch`.
 */
export function decide(input: DecideInput): DecideResult {
  const { state } = input;
  if (!input.hasReference) return { decision: 'no_reference', reasons: ['no reference profile for this version (lynx drift profile)'], next: state };
  if (input.count < input.minCount) {
    return { decision: 'insufficient_data', reasons: [`${input.count} events < minimum ${input.minCount}`], next: state };
  }
  const next: DecisionState = { ...state, lastRaw: input.raw };
  const reasons: string[] = [];
  let decision: Level = 'none';
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
  if (decision === 'retrain' && input.now < input.cooldownUntil) {
    decision = 'watch';
    reasons.push(`retrain cooldown until ${new Date(input.cooldownUntil).toISOString()}: no new request`);
  }
  return { decision, reasons, next };
}
