import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import {
  AliasNotFoundError,
  AmbiguousReferenceError,
  ModelNotFoundError,
  ValidationError,
  VersionNotFoundError,
  parseReference,
} from '@lynx/schema';
import { writeAudit } from './audit-log';
import { writeEvent } from './outbox';
import type { Database, VersionsTable } from './db';
import { iso, json, toVersion } from './mappers';
import type { Actor, Manifest, ModelSummary, NewVersion, VersionFilter, VersionPage, VersionRecord } from './registry-store';

const VERSION_COLUMNS = [
  'seq',
  'model',
  'digest',
  'semver',
  'status',
  'size',
  'file_count',
  'lineage',
  'metrics',
  'tags',
  'description',
  'created_at',
  'created_by',
] as const;

export async function registerVersion(
  db: Kysely<Database>,
  input: NewVersion,
  by: Actor,
): Promise<{ version: VersionRecord; created: boolean }> {
  const created = await db.transaction().execute(async (trx) => {
    await trx.insertInto('models').values({ name: input.model }).onConflict((oc) => oc.column('name').doNothing()).execute();
    const inserted = await trx
      .insertInto('versions')
      .values({
        model: input.model,
        digest: input.digest,
        status: 'registered',
        size: input.manifest.files.reduce((sum, f) => sum + f.size, 0),
        file_count: input.manifest.files.length,
        manifest: json(input.manifest),
        lineage: json(input.lineage),
        metrics: json(input.metrics ?? {}),
        tags: json(input.tags ?? {}),
        description: input.description ?? null,
        created_by: by.actor,
      })
      .onConflict((oc) => oc.columns(['model', 'digest']).doNothing())
      .returning('digest')
      .executeTakeFirst();
    if (inserted) {
      await writeAudit(trx, by, {
        action: 'version.registered',
        model: input.model,
        digest: input.digest,
        after: { digest: input.digest, lineage: input.lineage },
      });
      await writeEvent(trx, 'version.registered', { model: input.model, digest: input.digest }, by);
    }
    return inserted !== undefined;
  });
  const version = await getVersion(db, input.model, input.digest);
  if (!version) throw new Error(`registered version ${input.digest} vanished`);
  return { version, created };
}

/**
 * The version's aliases as a JSON array, in the same query as the version: a read of one
 * version or a page is one round trip instead of one per table (on the embedded backend each
 * round trip is a protocol encode/decode in WASM, so their number dominated a read's time).
 */
const aliasesColumn = sql<string[]>`coalesce((SELECT json_agg(a.alias ORDER BY a.alias) FROM aliases a WHERE a.model = versions.model AND a.digest = versions.digest), '[]'::json)`.as('aliases');

type VersionQuery = SelectQueryBuilder<Database, 'versions', object>;

/** One version matching `where` (with its aliases), or undefined. */
async function versionWhere(db: Kysely<Database>, model: string, where: (q: VersionQuery) => VersionQuery): Promise<VersionRecord | undefined> {
  const row = await where(db.selectFrom('versions').where('model', '=', model)).select([...VERSION_COLUMNS, aliasesColumn]).executeTakeFirst();
  return row ? toVersion(row, row.aliases) : undefined;
}

export function getVersion(db: Kysely<Database>, model: string, digest: string): Promise<VersionRecord | undefined> {
  return versionWhere(db, model, (q) => q.where('digest', '=', digest));
}

/** Throws ModelNotFoundError unless the model exists: asked only once a read found nothing, to say why. */
async function requireModel(db: Kysely<Database>, model: string): Promise<void> {
  if (!(await modelExists(db, model))) throw new ModelNotFoundError(`model ${model} not found`, { model });
}

export async function getManifest(db: Kysely<Database>, model: string, digest: string): Promise<Manifest | undefined> {
  const row = await db
    .selectFrom('versions')
    .select('manifest')
    .where('model', '=', model)
    .where('digest', '=', digest)
    .executeTakeFirst();
  return row ? (row.manifest as Manifest) : undefined;
}

/** Versions of the model whose lineage names `digest` as their parent, oldest first. */
export async function childVersions(db: Kysely<Database>, model: string, digest: string): Promise<VersionRecord[]> {
  const rows = await db
    .selectFrom('versions')
    .select([...VERSION_COLUMNS, aliasesColumn])
    .where('model', '=', model)
    .where(sql<boolean>`lineage->>'parent_digest' = ${digest}`)
    .orderBy('seq')
    .limit(100)
    .execute();
  return rows.map((r) => toVersion(r, r.aliases));
}

export async function modelExists(db: Kysely<Database>, model: string): Promise<boolean> {
  return (await db.selectFrom('models').select('name').where('name', '=', model).executeTakeFirst()) !== undefined;
}

export async function listModels(db: Kysely<Database>): Promise<ModelSummary[]> {
  const rows = await db
    .selectFrom('models as m')
    .select((eb) => [
      'm.name',
      'm.created_at',
      eb.selectFrom('versions as v').whereRef('v.model', '=', 'm.name').select(eb.fn.countAll().as('n')).as('version_count'),
      eb
        .selectFrom('versions as v')
        .whereRef('v.model', '=', 'm.name')
        .select('v.digest')
        .orderBy('v.seq', 'desc')
        .limit(1)
        .as('latest_digest'),
      eb
        .selectFrom('aliases as a')
        .whereRef('a.model', '=', 'm.name')
        .where('a.alias', '=', 'production')
        .select('a.digest')
        .as('production_digest'),
    ])
    .orderBy('m.name')
    .execute();
  return rows.map((r) => ({
    name: r.name,
    created_at: iso(r.created_at),
    version_count: Number(r.version_count ?? 0),
    latest_digest: r.latest_digest ?? null,
    production_digest: r.production_digest ?? null,
  }));
}

/** A version row as `json_agg` writes it: timestamps as text, int8 as numbers. */
type PagedRow = Omit<Selectable<VersionsTable>, 'manifest' | 'created_at'> & { created_at: string; aliases: string[] };

/**
 * A page's rows as ONE json value (`json_agg`, in the page's order) rather than one protocol
 * field per column per row. PGlite's protocol reader copies every field into an ArrayBuffer of
 * its own: a page of 50 was ~700 of them, ~400 KB of garbage per read. Each scavenge (16 MB young
 * generation) then swept ~30 000 of them on a background thread, and the one or two reads after it (1.5 ms at the
 * median) took 4–5 ms — the embedded registry's p99 (bench/RESULTS.md, "Read tail"). toVersion
 * makes the same record of it as of a row (iso() reads a timestamp's text as well as a Date).
 */
async function pageAsJson(db: Kysely<Database>, query: VersionQuery): Promise<PagedRow[]> {
  const row = await db
    .selectFrom(query.as('p'))
    .select(sql<PagedRow[]>`coalesce(json_agg(p ORDER BY p.seq DESC), '[]'::json)`.as('rows'))
    .executeTakeFirstOrThrow();
  return row.rows;
}

const encodeCursor = (seq: number) => Buffer.from(`seq:${seq}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const m = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new ValidationError('invalid cursor', { cursor });
  return Number(m[1]);
}

export async function listVersions(db: Kysely<Database>, model: string, filter: VersionFilter = {}): Promise<VersionPage> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
  let query = db.selectFrom('versions').select([...VERSION_COLUMNS, aliasesColumn]).where('model', '=', model);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.cursor) query = query.where('seq', '<', decodeCursor(filter.cursor));
  if (filter.alias) {
    const alias = filter.alias;
    query = query.where('digest', 'in', (eb) =>
      eb.selectFrom('aliases').select('digest').where('model', '=', model).where('alias', '=', alias),
    );
  }
  if (filter.tag) {
    const eq = filter.tag.indexOf('=');
    const tags = eq < 0 ? null : { [filter.tag.slice(0, eq)]: filter.tag.slice(eq + 1) };
    const tag = filter.tag;
    query = query.where(tags ? sql<boolean>`tags @> ${json(tags)}::jsonb` : sql<boolean>`tags ? ${tag}`);
  }
  const rows = await pageAsJson(db, query.orderBy('seq', 'desc').limit(limit + 1));
  if (rows.length === 0) await requireModel(db, model);
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => toVersion(r, r.aliases)),
    next_cursor: rows.length > limit ? encodeCursor(Number(page[page.length - 1].seq)) : null,
  };
}

/**
 * Resolves any reference form to one version of the model (see refs.ts), in one query for a
 * digest, semver or alias; whether the model exists is asked only when nothing matched.
 */
export async function resolveRef(db: Kysely<Database>, model: string, text: string): Promise<VersionRecord> {
  const ref = parseReference(text);
  if (!ref) {
    await requireModel(db, model);
    throw new ValidationError(`"${text}" is not a digest, a digest prefix of 12+ hex, a semver or an alias`, { ref: text });
  }
  let version: VersionRecord | undefined;
  if (ref.kind === 'digest') {
    version = await getVersion(db, model, ref.value);
  } else if (ref.kind === 'semver') {
    version = await versionWhere(db, model, (q) => q.where('semver', '=', ref.value));
  } else if (ref.kind === 'prefix') {
    const low = `sha256:${ref.value}`;
    const rows = await db
      .selectFrom('versions')
      .select('digest')
      .where('model', '=', model)
      .where('digest', '>=', low)
      .where('digest', '<', `${low}g`)
      .orderBy('digest')
      .limit(10)
      .execute();
    if (rows.length > 1) {
      throw new AmbiguousReferenceError(`digest prefix ${ref.value} matches ${rows.length > 9 ? 'many' : rows.length} versions`, {
        ref: text,
        matches: rows.map((r) => r.digest),
      });
    }
    if (rows[0]) version = await getVersion(db, model, rows[0].digest);
  } else {
    const alias = ref.value;
    version = await versionWhere(db, model, (q) =>
      q.where('digest', '=', (eb) => eb.selectFrom('aliases').select('digest').where('model', '=', model).where('alias', '=', alias)),
    );
    if (!version) {
      await requireModel(db, model);
      throw new AliasNotFoundError(`alias ${alias} of model ${model} not found`, { model, alias });
    }
  }
  if (!version) {
    await requireModel(db, model);
    throw new VersionNotFoundError(`version ${text} of model ${model} not found`, { model, ref: text });
  }
  return version;
}
