// `npm run bench:console`: first paint of the console's Versions page over a registry holding
// 10 000 versions (each with a usage rollup, so every row has figures), in Debian's Chromium, and
// the size of the served bundle gzipped. Both apps run as `nx build` bundles; the registry on
// PostgreSQL (LYNX_DATABASE_URL, default the local server) in a database of its own.
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Pool } from 'pg';
import { DEFAULT_SCHEMA, openRegistryStore } from '../../apps/registry/src/store/open-store';
import { cleanupNamespace, freePort } from '@lynx/platform/testing';
import { launchChromium } from '../../tools/console/browser';
import { REPO, bundleApp, startBundledApp, type BundledApp } from '../common/bundled-app';
import { explainVersionsPage } from './explain';

const VERSIONS = Number(process.env.LYNX_BENCH_VERSIONS ?? 10_000);
const ROUNDS = Number(process.env.LYNX_BENCH_ROUNDS ?? 7);
const PG_URL = process.env.LYNX_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WEB = join(REPO, 'dist', 'apps', 'console', 'web');

async function seed(databaseUrl: string): Promise<void> {
  const store = await openRegistryStore({ dataDir: tmpdir(), databaseUrl });
  const by = { actor: 'bench', role: 'trainer' };
  const one = async (i: number) => {
    const digest = `sha256:${createHash('sha256').update(`v${i}`).digest('hex')}`;
    await store.registerVersion({ model: 'bench', digest, manifest: { files: [{ path: 'w.bin', size: 1, digest }] }, lineage: { data: [] }, tags: { variant: `v${i % 10}` } }, by);
    const minute = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
    await store.recordUsage({
      rollup_id: `r${i}`, model: 'bench', digest, role: 'primary', window_start: minute, window_end: minute, first_served_at: minute, last_served_at: minute,
      requests: 10, prompt_tokens: 100, completion_tokens: 100, cost_usd: 0.01,
    });
  };
  await Promise.all(Array.from({ length: 8 }, async (_, lane) => {
    for (let i = lane; i < VERSIONS; i += 8) await one(i);
  }));
  await store.close();
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  await pool.query('ANALYZE');
  await pool.end();
}

/** Every file the page loads (index.html and assets/), gzipped one by one as a server would send them. */
function bundleGzipBytes(): { raw: number; gzip: number } {
  const files = ['index.html', ...readdirSync(join(WEB, 'assets')).map((f) => join('assets', f))];
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const bytes = readFileSync(join(WEB, f));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  if (!existsSync(join(WEB, 'index.html'))) execFileSync(process.execPath, [join(REPO, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'apps/console/web/vite.config.mjs'], { cwd: REPO, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'lynx-bench-console-'));
  const name = `lynx_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Pool({ connectionString: PG_URL, max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  const db = u.toString();
  const children: BundledApp[] = [];
  const browser = await launchChromium();
  const ns = `benchconsole${process.pid}`;
  try {
    process.stdout.write(`seeding ${VERSIONS} versions…\n`);
    await seed(db);
    const pool = new Pool({ connectionString: db, max: 1, options: `-c search_path=${DEFAULT_SCHEMA}` });
    const plans = await explainVersionsPage(pool, 'bench').finally(() => pool.end());
    process.stdout.write(`PostgreSQL plans of one Versions page (EXPLAIN ANALYZE):\n${plans.join('\n')}\n`);
    const common = { LYNX_ENV: 'dev', LYNX_LOG_LEVEL: 'info', LYNX_NAMESPACE: ns };
    const registryPort = await freePort();
    children.push(await startBundledApp(await bundleApp('registry', dir), { ...common, LYNX_DATABASE_URL: db, LYNX_REGISTRY_PORT: String(registryPort), LYNX_DATA_DIR: join(dir, 'registry') }));
    const consolePort = await freePort();
    children.push(await startBundledApp(await bundleApp('console', dir), { ...common, LYNX_CONSOLE_PORT: String(consolePort), LYNX_REGISTRY_URL: `http://127.0.0.1:${registryPort}`, LYNX_CONSOLE_WEB_DIR: WEB }));
    const base = `http://127.0.0.1:${consolePort}`;
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const login = await context.newPage();
    await login.goto(`${base}/login`);
    await login.getByLabel('Lynx token').fill('bench'); // auth is off (no tokens file): any token signs in as admin
    await login.getByRole('button', { name: 'Sign in' }).click();
    await login.getByRole('heading', { name: 'Models' }).waitFor();
    await login.close();
    const paints: number[] = [];
    const fcps: number[] = [];
    let cold = NaN;
    for (let round = 0; round <= ROUNDS; round++) {
      const page = await context.newPage();
      const t0 = Date.now();
      await page.goto(`${base}/models/bench/versions`);
      await page.locator('tr[data-digest]').nth(49).waitFor();
      const ms = Date.now() - t0;
      const fcp = await page.evaluate(() => (globalThis as unknown as { performance: { getEntriesByName(n: string): Array<{ startTime: number }> } }).performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
      await page.close();
      if (round === 0) {
        cold = ms; // the first visit after both apps started: cold connections, caches and JIT
        continue;
      }
      paints.push(ms);
      fcps.push(fcp);
    }
    const size = bundleGzipBytes();
    process.stdout.write(
      [
        `Versions page over ${VERSIONS} versions (50 rows, PostgreSQL registry, Chromium ${browser.version()}), ${ROUNDS} rounds after one warm-up:`,
        `  navigation to 50 rows painted: median ${median(paints)} ms, max ${Math.max(...paints)} ms (target < 1500 ms)`,
        `  first contentful paint:        median ${Math.round(median(fcps))} ms`,
        `  first visit after start (cold): ${cold} ms`,
        `served bundle: ${(size.raw / 1024).toFixed(1)} kB raw, ${(size.gzip / 1024).toFixed(1)} kB gzipped (target < 500 kB)`,
      ].join('\n') + '\n',
    );
  } finally {
    await browser.close();
    for (const c of children.reverse()) await c.stop().catch(() => undefined);
    await cleanupNamespace(ns).catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
