import { CronExpressionParser } from 'cron-parser';
import type { TriggerDecision } from './performance-trigger';

/**
 * The schedule retrain trigger: fires when an occurrence of the cron expression (cron-parser's
 * syntax, optional seconds field, UTC unless `tz`) lies in (since, now], where `since` is when the
 * trigger last fired or was set up. `occurrence` is that instant — the job id is built from it, so
 * one occurrence fires once however many evaluations see it. Missed occurrences collapse into
 * the latest one (a retrain per missed tick would train the same data twice).
 */
export function scheduleTrigger(input: { cron: string; since: Date; now: Date; tz?: string }): { decision: TriggerDecision; occurrence: string | null; reason: string } {
  let expr;
  try {
    expr = CronExpressionParser.parse(input.cron, { currentDate: input.now, tz: input.tz ?? 'UTC' });
  } catch (err) {
    throw new RangeError(`scheduleTrigger: invalid cron expression "${input.cron}": ${(err as Error).message}`);
  }
  // prev() is strictly before currentDate; an occurrence exactly at `now` counts too.
  const atNow = CronExpressionParser.parse(input.cron, { currentDate: new Date(input.now.getTime() + 1), tz: input.tz ?? 'UTC' }).prev().toDate();
  const latest = atNow.getTime() <= input.now.getTime() ? atNow : expr.prev().toDate();
  if (latest.getTime() > input.since.getTime()) {
    return { decision: 'fire', occurrence: latest.toISOString(), reason: `schedule "${input.cron}" was due at ${latest.toISOString()}` };
  }
  return { decision: 'hold', occurrence: null, reason: `schedule "${input.cron}": next at ${expr.next().toDate().toISOString()}` };
}
