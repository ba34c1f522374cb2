import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely';

/**
 * 0005: tags searchable by containment (`tags @> {"k": "v"}`) through a GIN index. A common tag
 * is found fastest by walking the (model, seq) index and filtering, which the planner still
 * does; a rare one would walk every version of the model that way, and with the index it is a
 * few posting-list reads whatever the model's size.
 */
export const m0005: Migration = {
  async up(db: Kysely<any>) {
    await sql`CREATE INDEX versions_tags ON versions USING gin (tags jsonb_path_ops)`.execute(db);
  },
};
