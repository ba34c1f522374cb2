import type { Kysely, Transaction } from 'kysely';
import {
  AliasConflictError,
  AliasNotFoundError,
  InvalidSemverError,
  ModelNotFoundError,
  ProtectedAliasError,
  RollbackTargetInvalidError,
  SemverConflictError,
  ValidationError,
  VersionNotFoundError,
  aliasNameSchema,
  compareSemver,
  isDevSemver,
  parseSemver,
} from '@lynx/schema';
import { lockModel, writeAudit } from './audit-log';
import { writeMoveEvent } from './outbox';
import type { Database } from './db';
import { toMove } from './mappers';
import type { Actor, AliasMove, MoveAliasInput, MoveKind, PromoteInput, RollbackInput } from './registry-store';
import { checkPromotionVerdict } from './verdict-checks';
import { modelExists, resolveRef } from './version-queries';

const PRODUCTION = 'production';

// Every move runs in one transaction that first takes the model's row lock, so concurrent
// moves of one model apply one after another and each sees the previous one's result.

async function lockedVersion(trx: Transaction<Database>, model: string, digest: string) {
  if (!(await lockModel(trx, model))) throw new ModelNotFoundError(`model ${model} not found`, { model });
  const version = await trx
    .selectFrom('versions')
    .select(['digest', 'semver', 'status'])
    .where('model', '=', model)
    .where('digest', '=', digest)
    .executeTakeFirst();
  if (!version) throw new VersionNotFoundError(`version ${digest} of model ${model} not found`, { model, digest });
  return version;
}

async function currentAlias(trx: Transaction<Database>, model: string, alias: string): Promise<string | null> {
  const row = await trx
    .selectFrom('aliases')
    .select('digest')
    .where('model', '=', model)
    .where('alias', '=', alias)
    .executeTakeFirst();
  return row?.digest ?? null;
}

interface MoveRecord {
  model: string;
  alias: string;
  kind: MoveKind;
  from: string | null;
  to: string;
  reason: string;
  verdict_id?: string | null;
  semver?: string | null;
}

async function applyMove(trx: Transaction<Database>, move: MoveRecord, by: Actor): Promise<AliasMove> {
  await trx
    .insertInto('aliases')
    .values({ model: move.model, alias: move.alias, digest: move.to })
    .onConflict((oc) => oc.columns(['model', 'alias']).doUpdateSet({ digest: move.to, updated_at: new Date() }))
    .execute();
  const row = await trx
    .insertInto('alias_history')
    .values({
      model: move.model,
      alias: move.alias,
      kind: move.kind,
      from_digest: move.from,
      to_digest: move.to,
      actor: by.actor,
      role: by.role,
      reason: move.reason,
      verdict_id: move.verdict_id ?? null,
      semver: move.semver ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await writeAudit(trx, by, {
    action: move.kind === 'move' ? 'alias.moved' : move.kind,
    model: move.model,
    digest: move.to,
    reason: move.reason,
    before: { alias: move.alias, digest: move.from },
    after: {
      alias: move.alias,
      digest: move.to,
      semver: move.semver ?? null,
      verdict_id: move.verdict_id ?? null,
      // A promote without a verdict is dev mode's escape hatch (a -dev semver outside prod): say so.
      ...(move.kind === 'promote' && !move.verdict_id ? { dev_bypass: true } : {}),
    },
  });
  const recorded = toMove(row);
  await writeMoveEvent(trx, recorded, by);
  return recorded;
}

export async function moveAlias(db: Kysely<Database>, input: MoveAliasInput, by: Actor): Promise<AliasMove | null> {
  if (input.alias === PRODUCTION) {
    throw new ProtectedAliasError('production moves only through promote and rollback', { alias: input.alias });
  }
  if (!aliasNameSchema.safeParse(input.alias).success) throw new ValidationError(`invalid alias name: ${input.alias}`, { alias: input.alias });
  return db.transaction().execute(async (trx) => {
    await lockedVersion(trx, input.model, input.digest);
    const from = await currentAlias(trx, input.model, input.alias);
    if (input.expected_digest !== undefined && input.expected_digest !== from) {
      throw new AliasConflictError(`alias ${input.alias} points at ${from ?? 'nothing'}, not ${input.expected_digest}`, {
        alias: input.alias,
        expected_digest: input.expected_digest,
        actual_digest: from,
      });
    }
    if (from === input.digest) return null;
    return applyMove(trx, { ...input, kind: 'move', from, to: input.digest }, by);
  });
}

async function checkSemver(trx: Transaction<Database>, input: PromoteInput, current: string | null): Promise<void> {
  if (!parseSemver(input.semver)) throw new InvalidSemverError(`invalid semver: ${input.semver}`, { semver: input.semver });
  if (current === input.semver) return;
  // A version keeps its semver, except that a -dev name may give way to a release name.
  if (current !== null && !(isDevSemver(current) && !isDevSemver(input.semver))) {
    throw new SemverConflictError(`version is already ${current}`, { digest: input.digest, semver: current });
  }
  const named = await trx
    .selectFrom('versions')
    .select(['digest', 'semver'])
    .where('model', '=', input.model)
    .where('semver', 'is not', null)
    .execute();
  const taken = named.find((v) => v.semver === input.semver);
  if (taken) throw new SemverConflictError(`${input.semver} is taken by ${taken.digest}`, { semver: input.semver, digest: taken.digest });
  if (isDevSemver(input.semver)) return;
  const higher = named.map((v) => v.semver as string).filter((s) => compareSemver(input.semver, s) <= 0);
  if (higher.length) {
    throw new SemverConflictError(`${input.semver} must be greater than every earlier semver (${higher.join(', ')})`, {
      semver: input.semver,
      not_greater_than: higher,
    });
  }
}

export async function promote(db: Kysely<Database>, input: PromoteInput, by: Actor): Promise<AliasMove> {
  return db.transaction().execute(async (trx) => {
    const version = await lockedVersion(trx, input.model, input.digest);
    const production = await currentAlias(trx, input.model, PRODUCTION);
    if (production === input.digest && version.semver === input.semver) {
      // Already production under this name: a retried promote, nothing to change.
      const last = await trx
        .selectFrom('alias_history')
        .selectAll()
        .where('model', '=', input.model)
        .where('alias', '=', PRODUCTION)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      return toMove(last);
    }
    await checkSemver(trx, input, version.semver);
    await checkPromotionVerdict(trx, input, production);
    await trx
      .updateTable('versions')
      .set({ semver: input.semver, status: 'production' })
      .where('model', '=', input.model)
      .where('digest', '=', input.digest)
      .execute();
    if (production) await setStatus(trx, input.model, production, 'superseded');
    return applyMove(
      trx,
      { ...input, alias: PRODUCTION, kind: 'promote', from: production, to: input.digest },
      by,
    );
  });
}

async function setStatus(trx: Transaction<Database>, model: string, digest: string, status: string) {
  await trx.updateTable('versions').set({ status }).where('model', '=', model).where('digest', '=', digest).execute();
}

export async function rollback(db: Kysely<Database>, input: RollbackInput, by: Actor): Promise<AliasMove> {
  return db.transaction().execute(async (trx) => {
    if (!(await lockModel(trx, input.model))) throw new ModelNotFoundError(`model ${input.model} not found`, { model: input.model });
    const current = await currentAlias(trx, input.model, PRODUCTION);
    if (!current) throw new RollbackTargetInvalidError(`model ${input.model} has no production version`, { model: input.model });
    const history = await trx
      .selectFrom('alias_history as h')
      .innerJoin('versions as v', (j) => j.onRef('v.model', '=', 'h.model').onRef('v.digest', '=', 'h.to_digest'))
      .select(['h.to_digest', 'v.status', 'v.semver'])
      .where('h.model', '=', input.model)
      .where('h.alias', '=', PRODUCTION)
      .orderBy('h.id', 'desc')
      .execute();
    let target: { to_digest: string; semver: string | null } | undefined;
    if (input.to !== undefined) {
      const wanted = await resolveRef(trx, input.model, input.to);
      if (wanted.digest === current) {
        throw new RollbackTargetInvalidError(`${input.to} is production now`, { to: input.to, digest: wanted.digest });
      }
      target = history.find((h) => h.to_digest === wanted.digest);
      if (!target) {
        throw new RollbackTargetInvalidError(`${input.to} was never production`, { to: input.to, digest: wanted.digest });
      }
    } else {
      // The latest earlier production version that was not itself rolled back from.
      target = history.find((h) => h.to_digest !== current && h.status !== 'rolled_back');
      if (!target) throw new RollbackTargetInvalidError('there is no earlier production version to roll back to', { model: input.model });
    }
    await setStatus(trx, input.model, current, 'rolled_back');
    await setStatus(trx, input.model, target.to_digest, 'production');
    return applyMove(
      trx,
      { model: input.model, alias: PRODUCTION, kind: 'rollback', from: current, to: target.to_digest, reason: input.reason, semver: target.semver },
      by,
    );
  });
}

/** Every move of every alias of the model, oldest first (lineage reads them all at once). */
export async function modelAliasMoves(db: Kysely<Database>, model: string): Promise<AliasMove[]> {
  const rows = await db.selectFrom('alias_history').selectAll().where('model', '=', model).orderBy('id').execute();
  return rows.map(toMove);
}

export async function aliasHistory(db: Kysely<Database>, model: string, alias: string): Promise<AliasMove[]> {
  if (!(await modelExists(db, model))) throw new ModelNotFoundError(`model ${model} not found`, { model });
  const rows = await db
    .selectFrom('alias_history')
    .selectAll()
    .where('model', '=', model)
    .where('alias', '=', alias)
    .orderBy('id')
    .execute();
  if (rows.length === 0) throw new AliasNotFoundError(`alias ${alias} of model ${model} has no history`, { model, alias });
  return rows.map(toMove);
}
