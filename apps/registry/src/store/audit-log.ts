import type { Kysely } from 'kysely';
import type { Database } from './db';
import { json } from './mappers';
import type { Actor } from './registry-store';

export interface AuditInput {
  action: string;
  model?: string | null;
  digest?: string | null;
  reason?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Appends one audit row inside the caller's transaction, so the entry commits with the change. */
export async function writeAudit(db: Kysely<Database>, by: Actor, entry: AuditInput): Promise<void> {
  await db
    .insertInto('audit')
    .values({
      actor: by.actor,
      role: by.role,
      action: entry.action,
      model: entry.model ?? null,
      digest: entry.digest ?? null,
      reason: entry.reason ?? null,
      before: entry.before === undefined ? null : json(entry.before),
      after: entry.after === undefined ? null : json(entry.after),
    })
    .execute();
}

/** Takes the model's row lock for the rest of the transaction: alias moves of one model serialize on it. */
export async function lockModel(db: Kysely<Database>, model: string): Promise<boolean> {
  const row = await db.selectFrom('models').select('name').where('name', '=', model).forUpdate().executeTakeFirst();
  return row !== undefined;
}
