import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { SUBJECTS, type RegistryEvent } from '@lynx/schema';
import type { Database } from './db';
import { iso, json } from './mappers';
import type { Actor, AliasMove, OutboxEvent } from './registry-store';

type EventType = RegistryEvent['type'];

const SUBJECT_OF: Record<EventType, string> = {
  'version.registered': SUBJECTS.registryVersionRegistered,
  'alias.moved': SUBJECTS.registryAliasMoved,
  promoted: SUBJECTS.registryPromoted,
  rolled_back: SUBJECTS.registryRolledBack,
  'traffic.changed': SUBJECTS.registryTrafficChanged,
  'verdict.recorded': SUBJECTS.registryVerdictRecorded,
  'tags.changed': SUBJECTS.registryTagsChanged,
};

// One key for every transaction that writes an event: see writeEvent.
const OUTBOX_LOCK = 0x6c796e78; // "lynx"

/**
 * Adds an event to the outbox inside the caller's transaction, as its last write. The
 * transaction-scoped advisory lock makes event-writing transactions commit in outbox id order
 * (a later id cannot commit before an earlier one), so the relay, reading unpublished rows by id,
 * never skips a row that commits late. It is held only from here to COMMIT.
 */
export async function writeEvent(
  db: Kysely<Database>,
  type: EventType,
  fields: Omit<RegistryEvent, 'event_id' | 'type' | 'time' | 'actor' | 'role'>,
  by: Actor,
): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${OUTBOX_LOCK})`.execute(db);
  const event = {
    event_id: randomUUID(),
    type,
    time: new Date().toISOString(),
    ...fields,
    actor: by.actor,
    role: by.role,
  } as RegistryEvent;
  await db.insertInto('outbox').values({ event_id: event.event_id, subject: SUBJECT_OF[type], payload: json(event) }).execute();
}

/** The event of an alias move (alias.moved, promoted or rolled_back). */
export function writeMoveEvent(db: Kysely<Database>, move: AliasMove, by: Actor): Promise<void> {
  const type: EventType = move.kind === 'move' ? 'alias.moved' : move.kind === 'promote' ? 'promoted' : 'rolled_back';
  return writeEvent(
    db,
    type,
    {
      model: move.model,
      alias: move.alias,
      digest: move.to_digest,
      from: move.from_digest,
      to: move.to_digest,
      ...(move.semver ? { semver: move.semver } : {}),
      ...(move.verdict_id ? { verdict_id: move.verdict_id } : {}),
      reason: move.reason,
    },
    by,
  );
}

export async function pendingEvents(db: Kysely<Database>, limit: number): Promise<OutboxEvent[]> {
  const rows = await db
    .selectFrom('outbox')
    .select(['id', 'event_id', 'subject', 'payload', 'created_at'])
    .where('published_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    event_id: r.event_id,
    subject: r.subject,
    payload: r.payload as RegistryEvent,
    created_at: iso(r.created_at),
  }));
}

export async function markPublished(db: Kysely<Database>, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('outbox').set({ published_at: new Date() }).where('id', 'in', ids).where('published_at', 'is', null).execute();
}

/** Deletes rows published before `cutoff`; an unpublished row is never deleted. */
export async function prunePublished(db: Kysely<Database>, cutoff: Date): Promise<number> {
  const result = await db.deleteFrom('outbox').where('published_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
