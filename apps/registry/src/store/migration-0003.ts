import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely';

/**
 * 0003: the served order (last served, then digest, both descending) as one index, so a page of
 * `served` is a backward range scan that stops after the page, whatever the cursor's depth. The
 * 0002 index held only the time: versions served at the same instant were sorted in full on every
 * page (10 000 of them: 12–18 ms a page on PGlite, bench/RESULTS.md, Registry).
 */
export const m0003: Migration = {
  async up(db: Kysely<any>) {
    await sql`DROP INDEX serving_summary_last`.execute(db);
    await sql`CREATE INDEX serving_summary_order ON serving_summary (model, last_served_at, digest)`.execute(db);
  },
};
