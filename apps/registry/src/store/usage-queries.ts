import { sql, type Kysely } from 'kysely';
import type { Database } from './db';
import { iso } from './mappers';
import type { ServedRecord, UsageRollup } from './registry-store';

/**
 * Inserts the rollup and, only when that insert happened (a repeated rollup_id is a no-op), adds it
 * to the version's serving_summary row in the same transaction: the summary equals the sum of the
 * rollups whatever the retries, and a reader never sees one without the other.
 */
export async function recordUsage(db: Kysely<Database>, input: UsageRollup): Promise<{ created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('usage_rollups')
      .values({ ...input, errors: input.errors ?? 0, usage_estimated: input.usage_estimated ?? false })
      .onConflict((oc) => oc.column('rollup_id').doNothing())
      .returning('rollup_id')
      .executeTakeFirst();
    if (!row) return { created: false };
    const errors = input.errors ?? 0;
    await trx
      .insertInto('serving_summary')
      .values({
        model: input.model,
        digest: input.digest,
        rollups: 1,
        requests: input.requests,
        errors,
        prompt_tokens: input.prompt_tokens,
        completion_tokens: input.completion_tokens,
        cost_usd: input.cost_usd,
        first_served_at: input.first_served_at,
        last_served_at: input.last_served_at,
      })
      .onConflict((oc) =>
        oc.columns(['model', 'digest']).doUpdateSet({
          rollups: sql`serving_summary.rollups + 1`,
          requests: sql`serving_summary.requests + excluded.requests`,
          errors: sql`serving_summary.errors + excluded.errors`,
          prompt_tokens: sql`serving_summary.prompt_tokens + excluded.prompt_tokens`,
          completion_tokens: sql`serving_summary.completion_tokens + excluded.completion_tokens`,
          cost_usd: sql`serving_summary.cost_usd + excluded.cost_usd`,
          first_served_at: sql`least(serving_summary.first_served_at, excluded.first_served_at)`,
          last_served_at: sql`greatest(serving_summary.last_served_at, excluded.last_served_at)`,
        }),
      )
      .execute();
    return { created: true };
  });
}

/**
 * Every version that served, most recently served first; one summary row each. The records are
 * built as one JSON array in the database: moving 10 000 rows one by one out of PGlite costs ~10x
 * more than moving one JSON value, and the shape is the API's either way.
 */
export async function listServed(db: Kysely<Database>, model: string, digest?: string): Promise<ServedRecord[]> {
  const one = digest ? sql`AND s.digest = ${digest}` : sql``;
  const { rows } = await sql<{ served: ServedRecord[] | null }>`
    SELECT json_agg(json_build_object(
      'digest', s.digest,
      'semver', v.semver,
      'first_served', s.first_served_at,
      'last_served', s.last_served_at,
      'requests', s.requests,
      'errors', s.errors,
      'tokens', s.prompt_tokens + s.completion_tokens,
      'latest_accuracy', (SELECT (e.result->'overall'->>'accuracy')::float8 FROM evaluations e
        WHERE e.model = s.model AND e.digest = s.digest ORDER BY e.created_at DESC LIMIT 1),
      'cost_per_1k_tokens', CASE WHEN s.prompt_tokens + s.completion_tokens > 0
        THEN s.cost_usd / (s.prompt_tokens + s.completion_tokens) * 1000 END
    ) ORDER BY s.last_served_at DESC, s.digest) AS served
    FROM serving_summary s
    JOIN versions v ON v.model = s.model AND v.digest = s.digest
    WHERE s.model = ${model} ${one}`.execute(db);
  const raw = rows[0]?.served ?? [];
  const served = typeof raw === 'string' ? (JSON.parse(raw) as ServedRecord[]) : raw;
  // Times arrive in the session's offset with microseconds: the API gives UTC milliseconds.
  for (const r of served) {
    r.first_served = iso(r.first_served);
    r.last_served = iso(r.last_served);
  }
  return served;
}
