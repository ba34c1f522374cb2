import type { TriggerDecision } from './performance-trigger';

/**
 * The volume retrain trigger: fires once `newJudged` items have been judged since the last
 * training of the model (labelled data worth training on), and names the milestone it fired at
 * so the job id is the same however often it is evaluated.
 */
export function volumeTrigger(input: { newJudged: number; threshold: number }): { decision: TriggerDecision; milestone: number; reason: string } {
  const { newJudged, threshold } = input;
  if (!Number.isInteger(threshold) || threshold < 1) throw new RangeError(`volumeTrigger: threshold must be an integer >= 1, got ${String(threshold)}`);
  if (!Number.isInteger(newJudged) || newJudged < 0) throw new RangeError(`volumeTrigger: newJudged must be an integer >= 0, got ${String(newJudged)}`);
  const fire = newJudged >= threshold;
  return { decision: fire ? 'fire' : 'hold', milestone: threshold, reason: `${newJudged} new judged items since the last training ${fire ? '>=' : '<'} ${threshold}` };
}
