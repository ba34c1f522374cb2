// Registry benchmark.
//  1. Push of one big blob (LYNX_BENCH_BYTES, default 1 GiB): server-side hash+write throughput as a
//     ratio to `sha256sum` of the same file in the same run (target >= 0.7), LYNX_BENCH_ROUNDS
//     (default 3) alternating rounds of each, best and median; and the registry's RSS idle before the
//     pushes and at its peak during them (VmHWM reset just before), with the delta. The file is
//     fsynced before anything is timed, so its own writeback does not slow the first push.
//     Backend: embedded PGlite, or PostgreSQL when LYNX_DATABASE_URL is set (a database of its own is
//     created for the run and dropped after).
//  2. With LYNX_BENCH_VERSIONS (default 10 000) versions and a usage rollup each: latency p50/p99 of
//     `GET …/versions` (first page) and `GET …/served` (first page of 100, and a page deep in the
//     cursor walk; target p99 < 50 ms). Every rollup has the same last-served time, so the served
//     order rests entirely on the digest tie-break: the worst case for its keyset.
//  LYNX_BENCH_BYTES=1048576 keeps the push small when only the latencies are wanted.
// The registry runs as a child process built as `nx build` ships it (bench/common/bundled-app.ts),
// so its RSS does not include the TypeScript loader.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { Pool } from 'pg';
import { openRegistryStore } from '../../apps/registry/src/store/open-store';
import { cleanupNamespace, freePort } from '@lynx/platform/testing';
import { median, procStatusMb, timeSha256sum, writeRandomFile } from '../common/bench-files';
import { bundleApp, nodeArgsFrom, startBundledApp, type BundledApp } from '../common/bundled-app';

/** The bench's registry namespace (the first-start registry adds `f`), cleaned when each stops. */
const NAMESPACE = `bench${process.pid}`;

const BYTES = Number(process.env.LYNX_BENCH_BYTES ?? 1024 ** 3);
const VERSIONS = Number(process.env.LYNX_BENCH_VERSIONS ?? 10_000);
const SAMPLES = 300;
const ROUNDS = Number(process.env.LYNX_BENCH_ROUNDS ?? 3);
const PG_URL = process.env.LYNX_DATABASE_URL;
// Extra node/V8 flags for the registry process only (e.g. `--liftoff-only` to see what the
// optimising WASM tier costs in memory); V8 flags cannot go through NODE_OPTIONS.
const NODE_FLAGS = nodeArgsFrom('LYNX_BENCH_NODE_FLAGS');
// A first start on an empty data dir creates the embedded database: give it time.
const start = (script: string, env: NodeJS.ProcessEnv) => startBundledApp(script, env, NODE_FLAGS, 300_000);

const peakRssMb = (pid: number) => procStatusMb(pid, 'VmHWM');
const rssMb = (pid: number) => procStatusMb(pid, 'VmRSS');

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function latency(url: string): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < SAMPLES + 20; i++) {
    const t = process.hrtime.bigint();
    const res = await request(url);
    await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
    if (i >= 20) times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

/** Walks `pages` pages of `served` by cursor (checking none repeats a digest); the cursor of the next. */
async function deepServedCursor(base: string, pages: number): Promise<{ cursor: string; page: number }> {
  const seen = new Set<string>();
  let cursor = '';
  for (let page = 0; page < pages; page++) {
    const res = await request(`${base}/v1/models/bench/served${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
    const body = (await res.body.json()) as { versions: Array<{ digest: string }>; next_cursor: string | null };
    for (const v of body.versions) {
      if (seen.has(v.digest)) throw new Error(`served page ${page} repeats ${v.digest}`);
      seen.add(v.digest);
    }
    if (!body.next_cursor) throw new Error(`served ended after ${page + 1} pages`);
    cursor = body.next_cursor;
  }
  return { cursor, page: pages };
}

async function seed(dataDir: string, databaseUrl?: string): Promise<void> {
  const store = await openRegistryStore({ dataDir, databaseUrl });
  const by = { actor: 'bench', role: 'trainer' };
  const one = async (i: number) => {
    const digest = `sha256:${createHash('sha256').update(`v${i}`).digest('hex')}`;
    await store.registerVersion(
      { model: 'bench', digest, manifest: { files: [{ path: 'w.bin', size: 1, digest }] }, lineage: { data: [] }, tags: { i: String(i % 10) } },
      by,
    );
    await store.recordUsage({
      rollup_id: `r${i}`, model: 'bench', digest, role: 'primary',
      window_start: '2025-01-01T00:00:00Z', window_end: '2025-01-01T00:01:00Z',
      first_served_at: '2025-01-01T00:00:00Z', last_served_at: '2025-01-01T00:01:00Z',
      requests: 10, prompt_tokens: 100, completion_tokens: 100, cost_usd: 0.01,
    });
  };
  // PGlite has one session, so concurrency only helps PostgreSQL.
  const lanes = databaseUrl ? 8 : 1;
  await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
    for (let i = lane; i < VERSIONS; i += lanes) await one(i);
  }));
  await store.close();
  // PostgreSQL's autovacuum analyzes a table this size within about a minute; do it now, as the
  // embedded backend's own maintenance does at start, so both are measured with statistics.
  if (databaseUrl) {
    const pool = new Pool({ connectionString: databaseUrl, max: 1 });
    await pool.query('ANALYZE');
    await pool.end();
  }
}

/** A fresh database next to the one LYNX_DATABASE_URL names; returns its URL and a drop. */
async function benchDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `lynx_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Pool({ connectionString: url, max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Resets the child's VmHWM to its current RSS (Linux clear_refs 5), so the next peak is the push's. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

async function timePush(base: string, digest: string, file: string, expected: number): Promise<number> {
  const t = process.hrtime.bigint();
  const res = await request(`${base}/v1/blobs/${digest}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(statSync(file).size) },
    body: createReadStream(file, { highWaterMark: 1024 * 1024 }),
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  await res.body.text();
  if (res.statusCode !== expected) throw new Error(`push answered ${res.statusCode}, expected ${expected}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const best = (xs: number[]) => Math.min(...xs);

/** RSS of a registry started on an empty data dir (it creates the embedded database first). */
async function firstStartLine(script: string): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lynx-bench-registry-fresh-'));
  const port = await freePort();
  const child = await start(script, { LYNX_DATA_DIR: dataDir, LYNX_REGISTRY_PORT: String(port), LYNX_ENV: 'dev', LYNX_LOG_LEVEL: 'info', LYNX_NAMESPACE: `${NAMESPACE}f` });
  try {
    await (await request(`http://127.0.0.1:${port}/v1/models`)).body.text();
    return `| first start on an empty data dir: RSS idle / peak since start | ${rssMb(child.proc.pid!).toFixed(0)} / ${peakRssMb(child.proc.pid!).toFixed(0)} MB |`;
  } finally {
    await child.stop();
    await cleanupNamespace(`${NAMESPACE}f`).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lynx-bench-registry-'));
  let child: BundledApp | undefined;
  const db = PG_URL ? await benchDatabase(PG_URL) : undefined;
  try {
    // Our sources (and @lynx/* libs) are bundled; installed packages load from node_modules.
    const script = await bundleApp('registry', dir);
    const file = join(dir, 'big.bin');
    const digest = writeRandomFile(file, BYTES);
    const dataDir = join(dir, 'data');
    process.stdout.write(`seeding ${VERSIONS} versions…\n`);
    await seed(dataDir, db?.url);
    const port = await freePort();
    child = await start(script, {
      LYNX_DATA_DIR: dataDir, LYNX_REGISTRY_PORT: String(port), LYNX_ENV: 'dev', LYNX_LOG_LEVEL: 'info', LYNX_MAX_BLOB_BYTES: String(BYTES * 2),
      // Its own namespace, so the bench's registry events never reach a stack running beside it.
      LYNX_NAMESPACE: NAMESPACE,
      ...(db ? { LYNX_DATABASE_URL: db.url } : {}),
    });
    const base = `http://127.0.0.1:${port}`;
    // Settle first: one read warms the database, so "idle" is the serving process before the push.
    await (await request(`${base}/v1/models/bench/versions?limit=1`)).body.text();
    const idleRss = rssMb(child.proc.pid!);
    const peakReset = resetPeak(child.proc.pid!);

    const shaTimes: number[] = [];
    const pushTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      shaTimes.push(timeSha256sum(file).seconds);
      // The first push stores the blob (201); later ones hash, write and verify it again (200).
      pushTimes.push(await timePush(base, digest, file, round === 0 ? 201 : 200));
    }
    const peak = peakRssMb(child.proc.pid!);
    const backend = db ? 'PostgreSQL' : 'PGlite (embedded)';

    const list = await latency(`${base}/v1/models/bench/versions?limit=50`);
    const served = await latency(`${base}/v1/models/bench/served`);
    const deep = await deepServedCursor(base, Math.floor(VERSIONS / 200));
    const servedDeep = await latency(`${base}/v1/models/bench/served?cursor=${encodeURIComponent(deep.cursor)}`);
    const mbps = (s: number) => (BYTES / 1e6 / s).toFixed(0);
    const servedLines = [
      `| GET served, first page of 100 (${VERSIONS} versions served): p50 / p99, target p99 < 50 ms | ${served.p50.toFixed(1)} / ${served.p99.toFixed(1)} ms |`,
      `| GET served, page ${deep.page + 1} of ${Math.ceil(VERSIONS / 100)} (by cursor): p50 / p99, target p99 < 50 ms | ${servedDeep.p50.toFixed(1)} / ${servedDeep.p99.toFixed(1)} ms |`,
    ];
    const lines = [
      `| push of ${(BYTES / 1024 ** 3).toFixed(2)} GiB: registry hash+write throughput, best / median of ${ROUNDS} | ${mbps(best(pushTimes))} / ${mbps(median(pushTimes))} MB/s |`,
      `| sha256sum of the same file, best / median of ${ROUNDS} | ${mbps(best(shaTimes))} / ${mbps(median(shaTimes))} MB/s |`,
      `| ratio (sha256sum time / push time), best / median, target ≥ 0.7 | ${(best(shaTimes) / best(pushTimes)).toFixed(2)} / ${(median(shaTimes) / median(pushTimes)).toFixed(2)} |`,
      `| backend | ${backend} |`,
      `| registry RSS idle before the pushes / peak during them${peakReset ? '' : ' (peak since start)'} / delta, target peak < 256 MB | ${idleRss.toFixed(0)} / ${peak.toFixed(0)} / +${(peak - idleRss).toFixed(0)} MB |`,
      `| GET versions (first page of 50) with ${VERSIONS} versions: p50 / p99, target p99 < 50 ms | ${list.p50.toFixed(1)} / ${list.p99.toFixed(1)} ms |`,
      ...servedLines,
    ];
    if (!db) lines.push(await firstStartLine(script));
    process.stdout.write(`| figure | value |\n|---|---|\n${lines.join('\n')}\n`);
  } finally {
    await child?.stop();
    await cleanupNamespace(NAMESPACE).catch(() => undefined);
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
