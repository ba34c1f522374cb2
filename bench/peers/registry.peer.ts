// Registry vs MLflow's server: the same versions of one model in both, the same three reads.
//  - Lynx's registry, built as `nx build` ships it (bench/common/bundled-app.ts), on its embedded
//    PGlite and on PostgreSQL, seeded through its store as bench/registry seeds it;
//  - `mlflow server` (one worker, as the tests' MLflow server runs it) on sqlite and on
//    PostgreSQL, seeded through MLflow's own store in one Python process (mlflow_seed.py).
// Reads, one at a time after 20 warm-ups: a page of 50 versions; the version an alias points to;
// versions with the tag i=3 (first page of 50). Embedded against embedded, PostgreSQL against
// PostgreSQL; the seeding time is reported apart.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Pool } from 'pg';
import { openRegistryStore } from '../../apps/registry/src/store/open-store';
import { freePort, pythonToolEnv, startMlflowServer, venvBin } from '@lynx/platform/testing';
import { bundleApp, startBundledApp } from '../common/bundled-app';
import { fmt, getLatency, printTable, progress, times, verdict, type Quantiles } from './report';

const PG_ADMIN = process.env.LYNX_PEERS_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ALIAS = 'staging';
const TAG = { key: 'i', value: '3' };
const READS = ['list a page of 50', 'get the version an alias points to', 'search by tag (first 50)'] as const;

interface Side {
  name: string;
  seedSeconds: number;
  /** From spawning the server to its first healthy answer (not compared). */
  startSeconds: number;
  reads: Quantiles[];
}

async function seedLynx(dataDir: string, versions: number, databaseUrl?: string): Promise<number> {
  const t = process.hrtime.bigint();
  const store = await openRegistryStore({ dataDir, databaseUrl });
  const by = { actor: 'bench', role: 'trainer' };
  const bar = progress(`seeding Lynx (${databaseUrl ? 'PostgreSQL' : 'PGlite'})`, versions);
  let done = 0;
  const digestOf = (i: number) => `sha256:${createHash('sha256').update(`v${i}`).digest('hex')}`;
  const one = async (i: number) => {
    const digest = digestOf(i);
    await store.registerVersion({ model: 'bench', digest, manifest: { files: [{ path: 'w.bin', size: 1, digest }] }, lineage: { data: [] }, tags: { [TAG.key]: String(i % 10) } }, by);
    bar.update(++done);
  };
  // PGlite has one session, so concurrency only helps PostgreSQL (as bench/registry seeds).
  const lanes = databaseUrl ? 8 : 1;
  await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
    for (let i = lane; i < versions; i += lanes) await one(i);
  }));
  await store.moveAlias({ model: 'bench', alias: ALIAS, digest: digestOf(Math.floor(versions / 2)), reason: 'bench' }, by);
  bar.stop();
  await store.close();
  if (databaseUrl) {
    const pool = new Pool({ connectionString: databaseUrl, max: 1 });
    await pool.query('ANALYZE');
    await pool.end();
  }
  return Number(process.hrtime.bigint() - t) / 1e9;
}

async function lynxSide(script: string, versions: number, samples: number, databaseUrl?: string): Promise<Side> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lynx-peers-registry-'));
  try {
    const seedSeconds = await seedLynx(dataDir, versions, databaseUrl);
    const port = await freePort();
    const started = process.hrtime.bigint();
    const child = await startBundledApp(script, {
      LYNX_DATA_DIR: dataDir, LYNX_REGISTRY_PORT: String(port), LYNX_ENV: 'dev', LYNX_LOG_LEVEL: 'info', LYNX_NAMESPACE: `peers${process.pid}`,
      ...(databaseUrl ? { LYNX_DATABASE_URL: databaseUrl } : {}),
    }, [], 300_000);
    const startSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const base = `http://127.0.0.1:${port}/v1/models/bench/versions`;
      const page = (b: unknown) => (b as { items: unknown[] }).items.length === 50;
      const reads = [
        await getLatency(`${base}?limit=50`, samples, {}, page),
        await getLatency(`${base}/${ALIAS}`, samples, {}, (b) => (b as { aliases: string[] }).aliases.includes(ALIAS)),
        await getLatency(`${base}?tag=${TAG.key}=${TAG.value}&limit=50`, samples, {}, page),
      ];
      return { name: `Lynx registry, ${databaseUrl ? 'PostgreSQL' : 'PGlite (embedded)'}`, seedSeconds, startSeconds, reads };
    } finally {
      await child.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function seedMlflow(uri: string, versions: number): Promise<number> {
  const t = process.hrtime.bigint();
  const bar = progress(`seeding MLflow (${uri.split(':')[0]})`, versions);
  return new Promise((ok, fail) => {
    const proc = spawn(venvBin('python'), [join(__dirname, 'mlflow_seed.py'), uri, String(versions)], { env: pythonToolEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    createInterface({ input: proc.stdout! }).on('line', (l) => l.startsWith('seeded ') && bar.update(Number(l.slice(7))));
    proc.on('exit', (code) => {
      bar.stop();
      if (code === 0) ok(Number(process.hrtime.bigint() - t) / 1e9);
      else fail(new Error(`mlflow_seed.py exited with ${code}: ${err}`));
    });
  });
}

async function mlflowSide(versions: number, samples: number, pgUrl?: string): Promise<Side> {
  const dir = mkdtempSync(join(tmpdir(), 'lynx-peers-mlflow-'));
  // psycopg 3 is in the venv (psycopg2 is not): SQLAlchemy's postgresql+psycopg dialect.
  const uri = pgUrl ? pgUrl.replace(/^postgres(ql)?:/, 'postgresql+psycopg:') : `sqlite:///${join(dir, 'mlflow.db')}`;
  try {
    const seedSeconds = await seedMlflow(uri, versions);
    // Statistics for MLflow's tables as for Lynx's (autovacuum may not have run yet).
    if (pgUrl) {
      const pool = new Pool({ connectionString: pgUrl, max: 1 });
      await pool.query('ANALYZE');
      await pool.end();
    }
    // Its schema was migrated by the seeding; what is left is the server's own start (imports,
    // the job executor, LiteLLM's price-map fetch that retries without a network), timed apart.
    const started = process.hrtime.bigint();
    const server = await startMlflowServer({ backendStoreUri: uri, timeoutMs: 900_000 });
    const startSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const api = `${server.url}/api/2.0/mlflow`;
      const search = (filter: string) => `${api}/model-versions/search?filter=${encodeURIComponent(filter)}&max_results=50`;
      const page = (b: unknown) => (b as { model_versions: unknown[] }).model_versions.length === 50;
      const reads = [
        await getLatency(search(`name='bench'`), samples, {}, page),
        await getLatency(`${api}/registered-models/alias?name=bench&alias=${ALIAS}`, samples, {}, (b) => (b as { model_version: { aliases: string[] } }).model_version.aliases.includes(ALIAS)),
        await getLatency(search(`name='bench' AND tags.${TAG.key}='${TAG.value}'`), samples, {}, page),
      ];
      return { name: `MLflow server ${pgUrl ? 'PostgreSQL' : 'sqlite'}`, seedSeconds, startSeconds, reads };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A database of its own on the PostgreSQL server, dropped after. */
async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `lynx_peers_${randomBytes(4).toString('hex')}`;
  const admin = new Pool({ connectionString: PG_ADMIN, max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const u = new URL(PG_ADMIN);
    u.pathname = `/${name}`;
    return await fn(u.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

export async function registryPeers(o: { versions: number; samples: number; postgres: boolean }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lynx-peers-registry-build-'));
  try {
    const script = await bundleApp('registry', dir);
    // Each pair's table is printed as soon as it is measured, so a run cut short keeps what it has.
    const show = ([lynx, peer]: [Side, Side]) => {
      printTable(
        `Registry vs MLflow server: ${o.versions} versions of one model, ${o.samples} sequential GETs per read after 20 warm-ups; goal: Lynx's p99 at least 20× lower`,
        ['read', 'Lynx', 'peer', 'Lynx p50 / p99 ms', 'peer p50 / p99 ms', 'ratio peer/Lynx p50 / p99', 'goal p99 ≥ 20×'],
        READS.map((read, k) => [
          read, lynx.name, peer.name,
          `${fmt(lynx.reads[k].p50, 2)} / ${fmt(lynx.reads[k].p99, 2)}`,
          `${fmt(peer.reads[k].p50, 2)} / ${fmt(peer.reads[k].p99, 2)}`,
          `${times(peer.reads[k].p50, lynx.reads[k].p50)} / ${times(peer.reads[k].p99, lynx.reads[k].p99)}`,
          verdict(peer.reads[k].p99 / lynx.reads[k].p99 >= 20),
        ]),
      );
      printTable('Seeding and start (not compared: Lynx seeded through its store, MLflow through its SqlAlchemyStore, each in one process; start = spawn to first healthy answer)', ['backend', 'seed seconds', 'versions/s', 'server start seconds'],
        [lynx, peer].map((x) => [x.name, fmt(x.seedSeconds), fmt(o.versions / x.seedSeconds, 0), fmt(x.startSeconds)]));
    };
    show([await lynxSide(script, o.versions, o.samples), await mlflowSide(o.versions, o.samples)]);
    if (o.postgres) {
      show(await withDatabase(async (lynxDb) => withDatabase(async (mlflowDb) => [await lynxSide(script, o.versions, o.samples, lynxDb), await mlflowSide(o.versions, o.samples, mlflowDb)] as [Side, Side])));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
