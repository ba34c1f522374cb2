import { sql, type Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely';
import { m0002 } from './migration-0002';
import { m0003 } from './migration-0003';
import { m0004 } from './migration-0004';
import { m0005 } from './migration-0005';

// Versioned migrations, kept in code so the app needs no migration files on disk.
// Never edit a shipped migration: add the next one.

const APPEND_ONLY = [
  'alias_history',
  'audit',
  'evaluations',
  'verdicts',
  'usage_rollups',
  'traffic_plan_history',
];

const m0001: Migration = {
  async up(db: Kysely<any>) {
    const statements = [
      sql`CREATE TABLE models (
        name text COLLATE "C" PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
      sql`CREATE TABLE versions (
        seq bigserial UNIQUE,
        model text COLLATE "C" NOT NULL REFERENCES models(name),
        digest text COLLATE "C" NOT NULL,
        semver text COLLATE "C",
        status text NOT NULL DEFAULT 'registered',
        size bigint NOT NULL,
        file_count integer NOT NULL,
        manifest jsonb NOT NULL,
        lineage jsonb NOT NULL,
        metrics jsonb NOT NULL,
        tags jsonb NOT NULL,
        description text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        created_by text NOT NULL,
        PRIMARY KEY (model, digest))`,
      sql`CREATE UNIQUE INDEX versions_semver ON versions (model, semver) WHERE semver IS NOT NULL`,
      sql`CREATE INDEX versions_model_seq ON versions (model, seq DESC)`,
      sql`CREATE TABLE aliases (
        model text COLLATE "C" NOT NULL REFERENCES models(name),
        alias text COLLATE "C" NOT NULL,
        digest text COLLATE "C" NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (model, alias),
        FOREIGN KEY (model, digest) REFERENCES versions(model, digest))`,
      sql`CREATE TABLE alias_history (
        id bigserial PRIMARY KEY,
        model text COLLATE "C" NOT NULL,
        alias text COLLATE "C" NOT NULL,
        kind text NOT NULL,
        from_digest text,
        to_digest text NOT NULL,
        actor text NOT NULL,
        role text NOT NULL,
        reason text NOT NULL,
        verdict_id text,
        semver text,
        at timestamptz NOT NULL DEFAULT clock_timestamp())`,
      sql`CREATE INDEX alias_history_model_alias ON alias_history (model, alias, id)`,
      sql`CREATE TABLE audit (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor text NOT NULL,
        role text NOT NULL,
        action text NOT NULL,
        model text COLLATE "C",
        digest text,
        reason text,
        before jsonb,
        after jsonb)`,
      sql`CREATE INDEX audit_model ON audit (model, id)`,
      sql`CREATE TABLE evaluations (
        id text PRIMARY KEY,
        model text COLLATE "C" NOT NULL,
        digest text COLLATE "C" NOT NULL,
        eval_set_digest text NOT NULL,
        result jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        created_by text NOT NULL,
        FOREIGN KEY (model, digest) REFERENCES versions(model, digest))`,
      sql`CREATE INDEX evaluations_version ON evaluations (model, digest)`,
      sql`CREATE TABLE verdicts (
        id text PRIMARY KEY,
        model text COLLATE "C" NOT NULL,
        digest text COLLATE "C" NOT NULL,
        passed boolean NOT NULL,
        baseline_digest text,
        eval_set_digest text NOT NULL,
        buckets jsonb NOT NULL,
        bootstrap boolean NOT NULL,
        tolerance_pp double precision,
        reason text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        created_by text NOT NULL,
        FOREIGN KEY (model, digest) REFERENCES versions(model, digest))`,
      sql`CREATE INDEX verdicts_version ON verdicts (model, digest)`,
      sql`CREATE TABLE usage_rollups (
        rollup_id text PRIMARY KEY,
        model text COLLATE "C" NOT NULL,
        digest text COLLATE "C" NOT NULL,
        role text NOT NULL,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        first_served_at timestamptz NOT NULL,
        last_served_at timestamptz NOT NULL,
        requests bigint NOT NULL,
        errors bigint NOT NULL,
        prompt_tokens bigint NOT NULL,
        completion_tokens bigint NOT NULL,
        cost_usd double precision NOT NULL,
        usage_estimated boolean NOT NULL,
        received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        FOREIGN KEY (model, digest) REFERENCES versions(model, digest))`,
      sql`CREATE INDEX usage_rollups_version ON usage_rollups (model, digest, window_end)`,
      sql`CREATE TABLE traffic_plans (
        model text COLLATE "C" PRIMARY KEY REFERENCES models(name),
        revision integer NOT NULL,
        plan jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_by text NOT NULL)`,
      sql`CREATE TABLE traffic_plan_history (
        id bigserial PRIMARY KEY,
        model text COLLATE "C" NOT NULL,
        revision integer NOT NULL,
        plan jsonb NOT NULL,
        actor text NOT NULL,
        role text NOT NULL,
        reason text,
        at timestamptz NOT NULL DEFAULT clock_timestamp())`,
      sql`CREATE INDEX traffic_plan_history_model ON traffic_plan_history (model, id)`,
      // History must stay true: refuse any change to a written row, whoever asks.
      sql`CREATE FUNCTION lynx_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'P0001';
        END $$`,
    ];
    for (const table of APPEND_ONLY) {
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

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return { '0001_initial': m0001, '0002_serving_summary_outbox': m0002, '0003_served_order_index': m0003, '0004_baselines_outcomes': m0004, '0005_versions_tags_index': m0005 };
  },
};
