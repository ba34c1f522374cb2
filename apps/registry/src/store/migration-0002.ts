import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely';

/**
 * 0002: the per-version serving summary and the transactional outbox.
 *
 * serving_summary holds one row per version that ever served, kept in step with usage_rollups by
 * recordUsage (same transaction, only when the rollup row was actually inserted), so `served` reads
 * one row per version instead of summing every rollup. It is a derived cache, updated in place; the
 * append-only rollups stay the record and the backfill below rebuilds it from them.
 *
 * outbox holds every registry event, written in the transaction of the change it reports; the
 * relay publishes rows in id order and sets published_at. That one column is why the outbox is not
 * append-only: it is a delivery queue, not history (the audit table is the history).
 */
export const m0002: Migration = {
  async up(db: Kysely<any>) {
    const statements = [
      sql`CREATE TABLE serving_summary (
        model text COLLATE "C" NOT NULL,
        digest text COLLATE "C" NOT NULL,
        rollups bigint NOT NULL,
        requests bigint NOT NULL,
        errors bigint NOT NULL,
        prompt_tokens bigint NOT NULL,
        completion_tokens bigint NOT NULL,
        cost_usd double precision NOT NULL,
        first_served_at timestamptz NOT NULL,
        last_served_at timestamptz NOT NULL,
        PRIMARY KEY (model, digest),
        FOREIGN KEY (model, digest) REFERENCES versions(model, digest))`,
      sql`CREATE INDEX serving_summary_last ON serving_summary (model, last_served_at DESC)`,
      sql`INSERT INTO serving_summary
        SELECT model, digest, count(*), sum(requests), sum(errors), sum(prompt_tokens), sum(completion_tokens),
          sum(cost_usd), min(first_served_at), max(last_served_at)
        FROM usage_rollups GROUP BY model, digest`,
      // "latest evaluation of a version" is read per served version: make it one index probe.
      sql`CREATE INDEX evaluations_latest ON evaluations (model, digest, created_at DESC)`,
      sql`CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        event_id text NOT NULL UNIQUE,
        subject text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        published_at timestamptz)`,
      sql`CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL`,
    ];
    for (const statement of statements) await statement.execute(db);
  },
};
