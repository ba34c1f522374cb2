import type { Kysely } from 'kysely';
import { VersionNotFoundError } from '@lynx/schema';
import { writeAudit } from './audit-log';
import type { Database } from './db';
import { json } from './mappers';
import { writeEvent } from './outbox';
import type { Actor, SetTagsInput, TagsChange } from './registry-store';
import { getVersion } from './version-queries';

/**
 * Sets and removes a version's tags in one transaction with its audit row and its
 * `tags.changed` event. The version row is locked first, so two concurrent edits apply one after
 * the other and neither loses the other's keys. A change that changes nothing writes nothing.
 */
export async function setTags(db: Kysely<Database>, input: SetTagsInput, by: Actor): Promise<TagsChange> {
  const result = await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('versions')
      .select('tags')
      .where('model', '=', input.model)
      .where('digest', '=', input.digest)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new VersionNotFoundError(`${input.model} has no version ${input.digest}`, { model: input.model, digest: input.digest });
    const before = { ...(row.tags as Record<string, string>) };
    const after: Record<string, string> = { ...before };
    for (const key of input.unset) delete after[key];
    Object.assign(after, input.set);
    const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k]).sort();
    if (changed.length === 0) return { before, after, changed };
    const sorted = Object.fromEntries(Object.entries(after).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    await trx.updateTable('versions').set({ tags: json(sorted) }).where('model', '=', input.model).where('digest', '=', input.digest).execute();
    await writeAudit(trx, by, { action: 'tags.changed', model: input.model, digest: input.digest, reason: input.reason ?? null, before, after: sorted });
    await writeEvent(trx, 'tags.changed', { model: input.model, digest: input.digest, ...(input.reason ? { reason: input.reason } : {}) }, by);
    return { before, after: sorted, changed };
  });
  const version = await getVersion(db, input.model, input.digest);
  if (!version) throw new VersionNotFoundError(`${input.model} has no version ${input.digest}`, { model: input.model, digest: input.digest });
  return { version, before: result.before, changed: result.changed };
}
