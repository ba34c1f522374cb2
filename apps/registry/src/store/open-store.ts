import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { Pool, types } from 'pg';
import type { Database } from './db';
import { KyselyRegistryStore } from './kysely-store';
import { initPGliteDir } from './pglite-init';
import { PGlitePool } from './pglite-pool';
import type { RegistryStore } from './registry-store';

export interface StoreOptions {
  /** PostgreSQL URL; unset → embedded PGlite under `dataDir/pglite`. */
  databaseUrl?: string;
  /** Schema for the PostgreSQL backend (tests give each run its own). */
  schema?: string;
  dataDir?: string;
  /** PGlite only: keep the database in memory (tests). */
  inMemory?: boolean;
  poolSize?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
export const DEFAULT_SCHEMA = 'lynx_registry';

/** Opens the configured backend and runs pending migrations. */
export async function openRegistryStore(options: StoreOptions): Promise<RegistryStore> {
  const pglite = options.databaseUrl ? undefined : await openPGlite(options);
  const db = pglite ? new Kysely<Database>({ dialect: new PostgresDialect({ pool: pglite }) }) : await openPostgres(options.databaseUrl!, options);
  const store = new KyselyRegistryStore(db, pglite ? undefined : (options.schema ?? DEFAULT_SCHEMA));
  await store.migrate();
  await pglite?.startMaintenance();
  return store;
}

async function openPostgres(url: string, options: StoreOptions): Promise<Kysely<Database>> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid database schema name: ${schema}`);
  // One schema per instance: every connection of the pool starts with it as search_path.
  const setup = new Pool({ connectionString: url, max: 1 });
  try {
    await setup.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await setup.end();
  }
  const pool = new Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    options: `-c search_path="${schema}"`,
    // int8 as numbers: sizes and counters stay far below 2^53.
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === types.builtins.INT8 ? (v: string) => Number(v) : types.getTypeParser(oid, format as 'text'),
    },
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Postgres's default shared_buffers (128 MB) lives in PGlite's WASM heap and is touched in full
 * at startup, so it alone was ~150 MB of the registry's idle RSS (the registry's memory budget: peak < 256 MB). It is a
 * cache only — WAL and checkpoints are unchanged, so durability is not affected — and a page it
 * misses is read back from the OS page cache. wal_buffers follows it (1/32). Measured with 10 000
 * versions: idle RSS 395 → 267 MB, GET latencies unchanged within noise (bench/RESULTS.md, Registry).
 */
const PGLITE_SHARED_BUFFERS = '16MB';

async function openPGlite(options: StoreOptions): Promise<PGlitePool> {
  // startParams replaces PGlite's defaults, so they are kept and the setting appended.
  const pgOptions = { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`] };
  let pg: PGlite;
  if (options.inMemory) {
    pg = await PGlite.create(pgOptions);
  } else {
    const dir = join(options.dataDir ?? '.lynx', 'pglite');
    mkdirSync(dir, { recursive: true });
    await initPGliteDir(dir);
    pg = await PGlite.create(dir, pgOptions);
  }
  return new PGlitePool(pg);
}

/** Drops a PostgreSQL schema created for a test run. */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid database schema name: ${schema}`);
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await pool.end();
  }
}
