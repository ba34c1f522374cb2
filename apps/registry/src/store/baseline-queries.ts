import type { Kysely, Selectable } from 'kysely';
import { BaselineMismatchError, ModelNotFoundError } from '@lynx/schema';
import { lockModel, writeAudit } from './audit-log';
import type { BaselinesTable, Database } from './db';
import { iso, json } from './mappers';
import { baselineContentDigest, checkBaselineOutcomes, putOutcomes, sortBuckets, sortOutcomes } from './outcomes';
import type { Actor, BaselineBucket, BaselineRecord, NewBaseline } from './registry-store';

// The registered baseline: a model's append-only history, the newest row current.

export function toBaseline(row: Selectable<BaselinesTable>): BaselineRecord {
  return {
    id: Number(row.id),
    model: row.model,
    digest: row.digest,
    previous_digest: row.previous_digest,
    eval_set_digest: row.eval_set_digest,
    model_digest: row.model_digest,
    outcomes_digest: row.outcomes_digest,
    tolerance: row.tolerance,
    alpha: row.alpha,
    buckets: row.buckets as BaselineBucket[],
    actor: row.actor,
    role: row.role,
    reason: row.reason,
    at: iso(row.at),
  };
}

/** The model's current baseline as seen by `db` (inside a transaction: after its row lock). */
export async function currentBaseline(db: Kysely<Database>, model: string): Promise<BaselineRecord | undefined> {
  const row = await db.selectFrom('baselines').selectAll().where('model', '=', model).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? toBaseline(row) : undefined;
}

export async function baselineHistory(db: Kysely<Database>, model: string): Promise<BaselineRecord[]> {
  return (await db.selectFrom('baselines').selectAll().where('model', '=', model).orderBy('id').execute()).map(toBaseline);
}

/**
 * Appends a baseline under the model's row lock, the lock promotions take: a promotion and a
 * baseline update of one model apply one after the other, and a verdict computed against the
 * superseded baseline is refused afterwards (baseline_mismatch). Nothing is written when a check fails.
 */
export async function recordBaseline(db: Kysely<Database>, input: NewBaseline, by: Actor): Promise<{ baseline: BaselineRecord; created: boolean }> {
  checkBaselineOutcomes(input.items, input.buckets, input.tolerance, input.alpha);
  const items = sortOutcomes(input.items);
  const buckets = sortBuckets(input.buckets);
  return db.transaction().execute(async (trx) => {
    if (!(await lockModel(trx, input.model))) throw new ModelNotFoundError(`model ${input.model} not found`, { model: input.model });
    const current = await currentBaseline(trx, input.model);
    const previous = current?.digest ?? null;
    if (input.expected_previous_digest !== undefined && input.expected_previous_digest !== previous) {
      throw new BaselineMismatchError(`the current baseline of ${input.model} is ${previous ?? 'none'}, not ${input.expected_previous_digest ?? 'none'}`, {
        expected_previous_digest: input.expected_previous_digest,
        current_digest: previous,
      });
    }
    const outcomes_digest = await putOutcomes(trx, items);
    const digest = baselineContentDigest({ alpha: input.alpha, buckets, eval_set_digest: input.eval_set_digest, outcomes_digest, tolerance: input.tolerance });
    if (current && current.digest === digest) return { baseline: current, created: false };
    const row = await trx
      .insertInto('baselines')
      .values({
        model: input.model,
        digest,
        previous_digest: previous,
        eval_set_digest: input.eval_set_digest,
        model_digest: input.model_digest ?? null,
        outcomes_digest,
        tolerance: input.tolerance,
        alpha: input.alpha,
        buckets: json(buckets),
        actor: by.actor,
        role: by.role,
        reason: input.reason,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAudit(trx, by, {
      action: 'baseline.updated',
      model: input.model,
      digest: input.model_digest ?? null,
      reason: input.reason,
      before: { baseline_digest: previous },
      after: { baseline_digest: digest, eval_set_digest: input.eval_set_digest, outcomes_digest, items: items.length, tolerance: input.tolerance, alpha: input.alpha },
    });
    return { baseline: toBaseline(row), created: true };
  });
}
