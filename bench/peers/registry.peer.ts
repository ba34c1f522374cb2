// Registry vs MLflow's server: the same versions of one model in both, the same three reads.
//  - Lynx's registry, built as `nx build` ships it (bench/common/bundled-app.ts), on its embedded
//    PGlite and on PostgreSQL, seeded through its store as bench/registry seeds it;
//  - `mlflow server` (one worker, as the tests' MLflow server runs it) on sqlite and on
//    PostgreSQL, seeded through MLflow's own store in one Python process (mlflow_seed.py).
// Reads, one at a time after 20 warm-ups, Lynx's and MLflow's interleaved with both servers up: a
// page of 50 versions; the version an alias points to; versions with the tag i=3 (first page of
// 50). Embedded against embedded, PostgreSQL against PostgreSQL; the seeding time is reported apart.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Pool } from 'pg';
import { openRegistryStore } from '../../apps/registry/src/store/open-store';
import { cleanupNamespace, freePort, pythonToolEnv, startMlflowServer, venvBin } from '@lynx/platform/testing';
import { bundleApp, startBundledApp } from '../common/bundled-app';
import { fmt, pairedLatency, printTable, progress, times, verdict, type Quantiles, type Read } from './report';

/** The Lynx registry's namespace in this run (both backends), cleaned when each side stops. */
const NAMESPACE = `peers${process.pid}`;

const PG_ADMIN = process.env.LYNX_PEERS_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ALIAS = 'staging';
const TAG = { key: 'i', value: '3' };
const READS = ['list a page of 50', 'get the version an alias points to', 'search by tag (first 50)'] as const;

interface Side {
  name: string;
  seedSeconds: number;
  /** From spawning the server to its first healthy answer (not compared). */
  startSeconds: number;
  /** The three READS, in order. */
  reads: Read[];
  stop(): Promise<void>;
}

interface Measured extends Side {
  latency: Quantiles[];
}

export async function seedLynx(dataDir: string, versions: number, databaseUrl?: string): Promise<number> {
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

async function lynxSide(script: string, versions: number, databaseUrl?: string): Promise<Side> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lynx-peers-registry-'));
  const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
  try {
    const seedSeconds = await seedLynx(dataDir, versions, databaseUrl);
    const port = await freePort();
    const started = process.hrtime.bigint();
    const child = await startBundledApp(script, {
      LYNX_DATA_DIR: dataDir, LYNX_REGISTRY_PORT: String(port), LYNX_ENV: 'dev', LYNX_LOG_LEVEL: 'info', LYNX_NAMESPACE: NAMESPACE,
      ...(databaseUrl ? { LYNX_DATABASE_URL: databaseUrl } : {}),
    }, [], 300_000);
    const startSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const model = `http://127.0.0.1:${port}/v1/models/bench`;
    const page = (b: unknown) => (b as { items: unknown[] }).items.length === 50;
    return {
      name: `Lynx registry, ${databaseUrl ? 'PostgreSQL' : 'PGlite (embedded)'}`,
      seedSeconds,
      startSeconds,
      reads: [
        { url: `${model}/versions?limit=50`, check: page },
        // The alias's own route: the version row, as MLflow's get-by-alias answers it.
        { url: `${model}/aliases/${ALIAS}`, check: (b) => (b as { aliases: string[] }).aliases.includes(ALIAS) },
        { url: `${model}/versions?tag=${TAG.key}=${TAG.value}&limit=50`, check: page },
      ],
      stop: async () => {
        await child.stop();
        // The registry's events stream (one event per seeded version) and its Redis keys.
        await cleanupNamespace(NAMESPACE).catch(() => undefined);
        cleanup();
      },
    };
  } catch (err) {
    cleanup();
    throw err;
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

async function mlflowSide(versions: number, pgUrl?: string): Promise<Side> {
  const dir = mkdtempSync(join(tmpdir(), 'lynx-peers-mlflow-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
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
    const api = `${server.url}/api/2.0/mlflow`;
    const search = (filter: string) => `${api}/model-versions/search?filter=${encodeURIComponent(filter)}&max_results=50`;
    const page = (b: unknown) => (b as { model_versions: unknown[] }).model_versions.length === 50;
    return {
      name: `MLflow server ${pgUrl ? 'PostgreSQL' : 'sqlite'}`,
      seedSeconds,
      startSeconds,
      reads: [
        { url: search(`name='bench'`), check: page },
        { url: `${api}/registered-models/alias?name=bench&alias=${ALIAS}`, check: (b) => (b as { model_version: { aliases: string[] } }).model_version.aliases.includes(ALIAS) },
        { url: search(`name='bench' AND tags.${TAG.key}='${TAG.value}'`), check: page },
      ],
      stop: async () => {
        await server.stop();
        cleanup();
      },
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}

/** Starts Lynx, then the peer; Lynx is stopped again when the peer fails to start. */
async function startBoth(lynx: () => Promise<Side>, peer: () => Promise<Side>): Promise<[Side, Side]> {
  const a = await lynx();
  try {
    return [a, await peer()];
  } catch (err) {
    await a.stop();
    throw err;
  }
}

/** Both servers up at once, each read's GETs interleaved (pairedLatency); both stopped after. */
async function measurePair(start: () => Promise<[Side, Side]>, samples: number): Promise<[Measured, Measured]> {
  const [lynx, peer] = await start();
  try {
    const latency: Array<[Quantiles, Quantiles]> = [];
    const bar = progress(`reading ${lynx.name} and ${peer.name}, interleaved`, READS.length);
    for (let k = 0; k < READS.length; k++) {
      latency.push(await pairedLatency(lynx.reads[k], peer.reads[k], samples));
      bar.update(k + 1);
    }
    bar.stop();
    return [{ ...lynx, latency: latency.map((l) => l[0]) }, { ...peer, latency: latency.map((l) => l[1]) }];
  } finally {
    await Promise.allSettled([lynx.stop(), peer.stop()]);
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
    const show = ([lynx, peer]: [Measured, Measured]) => {
      printTable(
        `Registry vs MLflow server: ${o.versions} versions of one model, ${o.samples} GETs per read and side, one at a time and interleaved with the peer's, after 20 warm-ups; goal: Lynx's p99 at least 20× lower`,
        ['read', 'Lynx', 'peer', 'Lynx p50 / p99 ms', 'peer p50 / p99 ms', 'ratio peer/Lynx p50 / p99', 'goal p99 ≥ 20×'],
        READS.map((read, k) => [
          read, lynx.name, peer.name,
          `${fmt(lynx.latency[k].p50, 2)} / ${fmt(lynx.latency[k].p99, 2)}`,
          `${fmt(peer.latency[k].p50, 2)} / ${fmt(peer.latency[k].p99, 2)}`,
          `${times(peer.latency[k].p50, lynx.latency[k].p50)} / ${times(peer.latency[k].p99, lynx.latency[k].p99)}`,
          verdict(peer.latency[k].p99 / lynx.latency[k].p99 >= 20),
        ]),
      );
      printTable('Seeding and start (not compared: Lynx seeded through its store, MLflow through its SqlAlchemyStore, each in one process; start = spawn to first healthy answer)', ['backend', 'seed seconds', 'versions/s', 'server start seconds'],
        [lynx, peer].map((x) => [x.name, fmt(x.seedSeconds), fmt(o.versions / x.seedSeconds, 0), fmt(x.startSeconds)]));
    };
    show(await measurePair(() => startBoth(() => lynxSide(script, o.versions), () => mlflowSide(o.versions)), o.samples));
    if (o.postgres) {
      show(await withDatabase((lynxDb) => withDatabase((mlflowDb) =>
        measurePair(() => startBoth(() => lynxSide(script, o.versions, lynxDb), () => mlflowSide(o.versions, mlflowDb)), o.samples))));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
