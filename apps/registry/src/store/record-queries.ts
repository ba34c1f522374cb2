import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ConflictError, ModelNotFoundError } from '@lynx/schema';
import { lockModel, writeAudit } from './audit-log';
import { writeEvent } from './outbox';
import { currentBaseline } from './baseline-queries';
import { checkNewVerdict } from './verdict-checks';
import type { Database } from './db';
import { iso, json, toAudit, toEvaluation, toVerdict } from './mappers';
import type {
  Actor,
  AuditEntry,
  EvaluationRecord,
  NewEvaluation,
  NewVerdict,
  PutTrafficPlanInput,
  TrafficPlanChange,
  TrafficPlanRecord,
  VerdictRecord,
} from './registry-store';

export async function listAudit(
  db: Kysely<Database>,
  filter: { model?: string; limit?: number; before_id?: number },
): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit').selectAll();
  if (filter.model) query = query.where('model', '=', filter.model);
  if (filter.before_id) query = query.where('id', '<', filter.before_id);
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
  return (await query.orderBy('id', 'desc').limit(limit).execute()).map(toAudit);
}

export async function addEvaluation(db: Kysely<Database>, input: NewEvaluation, by: Actor): Promise<EvaluationRecord> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('evaluations')
      .values({ id: randomUUID(), ...input, result: json(input.result), created_by: by.actor })
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAudit(trx, by, {
      action: 'evaluation.added',
      model: input.model,
      digest: input.digest,
      after: { evaluation_id: row.id, eval_set_digest: input.eval_set_digest },
    });
    return toEvaluation(row);
  });
}

export async function listEvaluations(db: Kysely<Database>, model: string, digest: string): Promise<EvaluationRecord[]> {
  const rows = await db
    .selectFrom('evaluations')
    .selectAll()
    .where('model', '=', model)
    .where('digest', '=', digest)
    .orderBy('created_at')
    .execute();
  return rows.map(toEvaluation);
}

/**
 * Stores a verdict. With per-item outcomes, the model's row lock is taken first and the outcomes are
 * checked and recomputed against the current registered baseline (verdict-checks.ts); a failed
 * check stores nothing. Outside strict mode, outcomes of a model with no registered baseline are
 * not kept (a later promotion then recomputes only once a baseline exists).
 */
export async function recordVerdict(db: Kysely<Database>, input: NewVerdict, by: Actor): Promise<VerdictRecord> {
  return db.transaction().execute(async (trx) => {
    let checked: Awaited<ReturnType<typeof checkNewVerdict>> | undefined;
    if (input.items) {
      if (!(await lockModel(trx, input.model))) throw new ModelNotFoundError(`model ${input.model} not found`, { model: input.model });
      // Outside prod a model may have no registered baseline yet: nothing to check the outcomes against.
      if (input.strict || (await currentBaseline(trx, input.model))) checked = await checkNewVerdict(trx, input);
    }
    const row = await trx
      .insertInto('verdicts')
      .values({
        id: randomUUID(),
        model: input.model,
        digest: input.digest,
        passed: input.passed,
        baseline_digest: input.baseline_digest,
        eval_set_digest: input.eval_set_digest,
        buckets: json(input.buckets),
        bootstrap: input.bootstrap,
        tolerance_pp: input.tolerance_pp ?? null,
        reason: input.reason ?? null,
        created_by: by.actor,
        source: input.source ?? null,
        outcomes_digest: checked?.outcomes_digest ?? null,
        registered_baseline_digest: checked?.registered_baseline_digest ?? input.registered_baseline_digest ?? null,
        decision: checked ? json(checked.decision) : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAudit(trx, by, {
      action: input.passed ? 'verdict.passed' : 'verdict.refused',
      model: input.model,
      digest: input.digest,
      reason: input.reason ?? null,
      after: {
        verdict_id: row.id,
        passed: input.passed,
        bootstrap: input.bootstrap,
        buckets: input.buckets,
        source: input.source ?? null,
        ...(checked ? { recomputed: checked.decision.verdict, outcomes_digest: checked.outcomes_digest, baseline_digest: checked.registered_baseline_digest } : {}),
      },
    });
    await writeEvent(trx, 'verdict.recorded', { model: input.model, digest: input.digest, verdict_id: row.id }, by);
    return toVerdict(row);
  });
}

export async function getVerdict(db: Kysely<Database>, id: string): Promise<VerdictRecord | undefined> {
  const row = await db.selectFrom('verdicts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toVerdict(row) : undefined;
}

export async function listVerdicts(db: Kysely<Database>, model: string, digest?: string): Promise<VerdictRecord[]> {
  let query = db.selectFrom('verdicts').selectAll().where('model', '=', model);
  if (digest) query = query.where('digest', '=', digest);
  return (await query.orderBy('created_at').execute()).map(toVerdict);
}

export async function getTrafficPlan(db: Kysely<Database>, model: string): Promise<TrafficPlanRecord | undefined> {
  const row = await db.selectFrom('traffic_plans').selectAll().where('model', '=', model).executeTakeFirst();
  return row
    ? { model: row.model, revision: row.revision, plan: row.plan, updated_at: iso(row.updated_at), updated_by: row.updated_by }
    : undefined;
}

export async function putTrafficPlan(db: Kysely<Database>, input: PutTrafficPlanInput, by: Actor): Promise<TrafficPlanRecord> {
  return db.transaction().execute(async (trx) => {
    if (!(await lockModel(trx, input.model))) throw new ModelNotFoundError(`model ${input.model} not found`, { model: input.model });
    const current = await trx.selectFrom('traffic_plans').selectAll().where('model', '=', input.model).executeTakeFirst();
    const revision = (current?.revision ?? 0) + 1;
    if (input.expected_revision !== undefined && input.expected_revision !== (current?.revision ?? 0)) {
      throw new ConflictError(`traffic plan of ${input.model} is at revision ${current?.revision ?? 0}`, {
        expected_revision: input.expected_revision,
        revision: current?.revision ?? 0,
      });
    }
    const row = await trx
      .insertInto('traffic_plans')
      .values({ model: input.model, revision, plan: json(input.plan), updated_by: by.actor })
      .onConflict((oc) =>
        oc.column('model').doUpdateSet({ revision, plan: json(input.plan), updated_by: by.actor, updated_at: new Date() }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('traffic_plan_history')
      .values({ model: input.model, revision, plan: json(input.plan), actor: by.actor, role: by.role, reason: input.reason ?? null })
      .execute();
    await writeAudit(trx, by, {
      action: 'traffic.changed',
      model: input.model,
      reason: input.reason ?? null,
      before: current ? { revision: current.revision, plan: current.plan } : null,
      after: { revision, plan: input.plan },
    });
    await writeEvent(trx, 'traffic.changed', { model: input.model, ...(input.reason ? { reason: input.reason } : {}) }, by);
    return { model: row.model, revision: row.revision, plan: row.plan, updated_at: iso(row.updated_at), updated_by: row.updated_by };
  });
}

export async function trafficPlanHistory(db: Kysely<Database>, model: string): Promise<TrafficPlanChange[]> {
  const rows = await db.selectFrom('traffic_plan_history').selectAll().where('model', '=', model).orderBy('id').execute();
  return rows.map((r) => ({
    model: r.model,
    revision: r.revision,
    plan: r.plan,
    updated_at: iso(r.at),
    updated_by: r.actor,
    role: r.role,
    reason: r.reason,
  }));
}
