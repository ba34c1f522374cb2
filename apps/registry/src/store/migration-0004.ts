import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely';

/**
 * 0004: the registered baseline and per-item outcomes, so the registry recomputes a gate decision
 * instead of trusting the verdict's own `passed`.
 *
 * outcome_sets holds per-item outcomes (eval item id → correct) by the digest of their canonical
 * JSON: a baseline's and every verdict's. baselines is the model's baseline history (the newest
 * row is current), written like alias history: one row per change, with who, why and the previous
 * digest. Verdicts gain where they came from (`source`), their outcomes and the baseline they were
 * computed against. All three tables are append-only by trigger, as the other history tables.
 */
export const m0004: Migration = {
  async up(db: Kysely<any>) {
    const statements = [
      sql`CREATE TABLE outcome_sets (
        digest text COLLATE "C" PRIMARY KEY,
        items jsonb NOT NULL,
        item_count integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
      sql`CREATE TABLE baselines (
        id bigserial PRIMARY KEY,
        model text COLLATE "C" NOT NULL REFERENCES models(name),
        digest text COLLATE "C" NOT NULL,
        previous_digest text,
        eval_set_digest text NOT NULL,
        model_digest text,
        outcomes_digest text COLLATE "C" NOT NULL REFERENCES outcome_sets(digest),
        tolerance double precision NOT NULL,
        alpha double precision NOT NULL,
        buckets jsonb NOT NULL,
        actor text NOT NULL,
        role text NOT NULL,
        reason text NOT NULL,
        at timestamptz NOT NULL DEFAULT clock_timestamp())`,
      sql`CREATE INDEX baselines_model ON baselines (model, id)`,
      sql`ALTER TABLE verdicts ADD COLUMN source text`,
      sql`ALTER TABLE verdicts ADD COLUMN outcomes_digest text COLLATE "C" REFERENCES outcome_sets(digest)`,
      sql`ALTER TABLE verdicts ADD COLUMN registered_baseline_digest text`,
      sql`ALTER TABLE verdicts ADD COLUMN decision jsonb`,
    ];
    for (const table of ['outcome_sets', 'baselines']) {
      statements.push(
        sql`CREATE TRIGGER ${sql.raw(`${table}_append_only`)} BEFORE UPDATE OR DELETE ON ${sql.table(table)}
          FOR EACH ROW EXECUTE FUNCTION lynx_append_only()`,
        sql`CREATE TRIGGER ${sql.raw(`${table}_no_truncate`)} BEFORE TRUNCATE ON ${sql.table(table)}
          FOR EACH STATEMENT EXECUTE FUNCTION lynx_append_only()`,
      );
    }
    for (const statement of statements) await statement.execute(db);
  },
};
