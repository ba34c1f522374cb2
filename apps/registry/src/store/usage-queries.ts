import { sql, type Kysely, type RawBuilder } from 'kysely';
import { ModelNotFoundError, ValidationError, type ServedVersion } from '@lynx/schema';
import type { Database } from './db';
import { iso } from './mappers';
import type { ServedFilter, ServedPage, UsageRollup } from './registry-store';
import { modelExists } from './version-queries';

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

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** Keyset of the served order: the exact last-served instant (UTC, microseconds) and the digest. */
const encodeCursor = (at: string, digest: string) => Buffer.from(`served:${at}|${digest}`).toString('base64url');
function decodeCursor(cursor: string): { at: string; digest: string } {
  const m = /^served:(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})\|(sha256:[0-9a-f]{64})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new ValidationError('invalid cursor', { cursor });
  return { at: m[1], digest: m[2] };
}

/**
 * One page of the versions that served, most recently served first, then by digest (descending, so
 * the whole order is one index read backwards): the order is total, so a keyset cursor on (last
 * served, digest) gives no duplicate and no gap across pages.
 * A version served again during a walk moves to the front: that walk never repeats it, but does
 * not see it again either (its earlier row was on a page already read, or it is missed). Unknown
 * model: 404.
 */
export async function listServed(db: Kysely<Database>, model: string, page: ServedFilter = {}): Promise<ServedPage> {
  if (!(await modelExists(db, model))) throw new ModelNotFoundError(`model ${model} not found`, { model });
  const limit = Math.min(Math.max(page.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
  const after = page.cursor ? decodeCursor(page.cursor) : undefined;
  const keyset = after ? sql`AND (s.last_served_at, s.digest) < (${after.at}::timestamp AT TIME ZONE 'UTC', ${after.digest})` : sql``;
  const rows = await servedRows(db, model, keyset, limit + 1);
  const items = rows.slice(0, limit);
  const last = rows.length > limit ? items[items.length - 1] : undefined;
  return { items: items.map((r) => r.record), next_cursor: last ? encodeCursor(last.key, last.record.digest) : null };
}

/** One version's serving summary; undefined when it never served. */
export async function servedVersion(db: Kysely<Database>, model: string, digest: string): Promise<ServedVersion | undefined> {
  return (await servedRows(db, model, sql`AND s.digest = ${digest}`, 1))[0]?.record;
}

/**
 * The serving of the given digests only, most recently served first; the digests that never
 * served are not in the answer. One probe of serving_summary's primary key (model, digest) per
 * digest, so a page of a versions table costs the same at 10 versions as at 10 000. Unknown model: 404.
 */
export async function servedOf(db: Kysely<Database>, model: string, digests: readonly string[]): Promise<ServedVersion[]> {
  if (!(await modelExists(db, model))) throw new ModelNotFoundError(`model ${model} not found`, { model });
  const unique = [...new Set(digests)];
  if (!unique.length) return [];
  const rows = await servedRows(db, model, sql`AND s.digest IN (${sql.join(unique)})`, unique.length);
  return rows.map((r) => r.record);
}

/**
 * Served records built as one JSON array in the database: moving many rows one by one out of
 * PGlite costs ~10x more than moving one JSON value, and the shape is the API's either way. `key`
 * is the exact last-served instant for the cursor (the record's time is rounded to milliseconds).
 */
async function servedRows(db: Kysely<Database>, model: string, where: RawBuilder<unknown>, limit: number): Promise<Array<{ record: ServedVersion; key: string }>> {
  const { rows } = await sql<{ served: Array<ServedVersion & { key: string }> | string | null }>`
    SELECT json_agg(json_build_object(
      'digest', p.digest,
      'semver', p.semver,
      'first_served', p.first_served_at,
      'last_served', p.last_served_at,
      'requests', p.requests,
      'errors', p.errors,
      'tokens', p.prompt_tokens + p.completion_tokens,
      'latest_accuracy', (SELECT (e.result->'overall'->>'accuracy')::float8 FROM evaluations e
        WHERE e.model = p.model AND e.digest = p.digest ORDER BY e.created_at DESC LIMIT 1),
      'cost_per_1k_tokens', CASE WHEN p.prompt_tokens + p.completion_tokens > 0
        THEN p.cost_usd / (p.prompt_tokens + p.completion_tokens) * 1000 END,
      'key', to_char(p.last_served_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')
    ) ORDER BY p.last_served_at DESC, p.digest DESC) AS served
    FROM (
      SELECT s.*, v.semver FROM serving_summary s
      JOIN versions v ON v.model = s.model AND v.digest = s.digest
      WHERE s.model = ${model} ${where}
      ORDER BY s.last_served_at DESC, s.digest DESC
      LIMIT ${limit}
    ) p`.execute(db);
  const raw = rows[0]?.served ?? [];
  const served = typeof raw === 'string' ? (JSON.parse(raw) as Array<ServedVersion & { key: string }>) : raw;
  return served.map(({ key, ...record }) => {
    // Times arrive in the session's offset with microseconds: the API gives UTC milliseconds.
    record.first_served = iso(record.first_served);
    record.last_served = iso(record.last_served);
    return { record, key };
  });
}
