import { sql, type Kysely } from 'kysely';
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
import type { Database } from './db';
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

export async function getVersion(db: Kysely<Database>, model: string, digest: string): Promise<VersionRecord | undefined> {
  const row = await db
    .selectFrom('versions')
    .select(VERSION_COLUMNS)
    .where('model', '=', model)
    .where('digest', '=', digest)
    .executeTakeFirst();
  if (!row) return undefined;
  return toVersion(row, (await aliasesByDigest(db, model, [digest])).get(digest) ?? []);
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

async function aliasesByDigest(db: Kysely<Database>, model: string, digests: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (digests.length === 0) return map;
  const rows = await db
    .selectFrom('aliases')
    .select(['digest', 'alias'])
    .where('model', '=', model)
    .where('digest', 'in', digests)
    .orderBy('alias')
    .execute();
  for (const row of rows) map.set(row.digest, [...(map.get(row.digest) ?? []), row.alias]);
  return map;
}

/** Versions of the model whose lineage names `digest` as their parent, oldest first. */
export async function childVersions(db: Kysely<Database>, model: string, digest: string): Promise<VersionRecord[]> {
  const rows = await db
    .selectFrom('versions')
    .select(VERSION_COLUMNS)
    .where('model', '=', model)
    .where(sql<boolean>`lineage->>'parent_digest' = ${digest}`)
    .orderBy('seq')
    .limit(100)
    .execute();
  const aliases = await aliasesByDigest(db, model, rows.map((r) => r.digest));
  return rows.map((r) => toVersion(r, aliases.get(r.digest) ?? []));
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

const encodeCursor = (seq: number) => Buffer.from(`seq:${seq}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const m = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new ValidationError('invalid cursor', { cursor });
  return Number(m[1]);
}

export async function listVersions(db: Kysely<Database>, model: string, filter: VersionFilter = {}): Promise<VersionPage> {
  if (!(await modelExists(db, model))) throw new ModelNotFoundError(`model ${model} not found`, { model });
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
  let query = db.selectFrom('versions').select(VERSION_COLUMNS).where('model', '=', model);
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
  const rows = await query.orderBy('seq', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const aliases = await aliasesByDigest(db, model, page.map((r) => r.digest));
  return {
    items: page.map((r) => toVersion(r, aliases.get(r.digest) ?? [])),
    next_cursor: rows.length > limit ? encodeCursor(Number(page[page.length - 1].seq)) : null,
  };
}

/** Resolves any reference form to one version of the model (see refs.ts). */
export async function resolveRef(db: Kysely<Database>, model: string, text: string): Promise<VersionRecord> {
  if (!(await modelExists(db, model))) throw new ModelNotFoundError(`model ${model} not found`, { model });
  const ref = parseReference(text);
  if (!ref) {
    throw new ValidationError(`"${text}" is not a digest, a digest prefix of 12+ hex, a semver or an alias`, { ref: text });
  }
  let digest: string | undefined;
  if (ref.kind === 'digest') {
    digest = ref.value;
  } else if (ref.kind === 'semver') {
    const row = await db
      .selectFrom('versions')
      .select('digest')
      .where('model', '=', model)
      .where('semver', '=', ref.value)
      .executeTakeFirst();
    digest = row?.digest;
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
    digest = rows[0]?.digest;
  } else {
    const row = await db
      .selectFrom('aliases')
      .select('digest')
      .where('model', '=', model)
      .where('alias', '=', ref.value)
      .executeTakeFirst();
    if (!row) throw new AliasNotFoundError(`alias ${ref.value} of model ${model} not found`, { model, alias: ref.value });
    digest = row.digest;
  }
  const version = digest ? await getVersion(db, model, digest) : undefined;
  if (!version) throw new VersionNotFoundError(`version ${text} of model ${model} not found`, { model, ref: text });
  return version;
}
