import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

// Runs in a child process: create the cluster, close it, exit.
const INIT_SOURCE = `
const [dir, entry] = process.argv.slice(1);
require(entry).PGlite.create(dir).then((pg) => pg.close());
`;

/**
 * Creates a new embedded database cluster in `dir`; a dir that already holds one is left alone.
 *
 * The cluster is a copy of a template: a cluster `initdb` made once per PGlite version and kept in
 * `node_modules/.cache`. initdb costs ~3.5 s of CPU on every new data dir, which a copy (~0.1 s)
 * does not: a first `npm start` on a busy machine spent it while every other app was starting too,
 * and each registry a test starts has a new dir. The template sits beside the code that runs it,
 * not in a shared temp dir, so nobody who could not change the code can plant a cluster there.
 * Where the cache cannot be written, the cluster is created in place as before.
 */
export async function initPGliteDir(dir: string): Promise<void> {
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  const template = await pgliteTemplate().catch(() => undefined);
  if (!template) return createCluster(dir);
  // PG_VERSION last: it is what marks a dir as holding a cluster, so an interrupted copy is redone.
  const marker = join(template, 'PG_VERSION');
  try {
    mkdirSync(dir, { recursive: true });
    cpSync(template, dir, { recursive: true, filter: (source) => source !== marker });
    copyFileSync(marker, join(dir, 'PG_VERSION'));
  } catch (err) {
    throw new Error(`could not create the embedded database in ${dir}: ${(err as Error).message}`);
  }
}

/**
 * Creates the cluster in a short-lived child process, so the memory initdb needs is given back to
 * the OS when it exits. In the registry's own process it stayed: the first start on a new data
 * dir idled at ~700 MB RSS (~330 MB after a full GC; a worker thread kept ~350 MB in glibc's
 * arenas), against ~200–230 MB for every later start on the same dir (bench/RESULTS.md, Registry).
 */
async function createCluster(dir: string): Promise<void> {
  try {
    await promisify(execFile)(process.execPath, ['-e', INIT_SOURCE, dir, pgliteEntry()]);
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '').trim();
    throw new Error(`could not create the embedded database in ${dir}: ${stderr || (err as Error).message}`);
  }
}

const pgliteEntry = () => require.resolve('@electric-sql/pglite');

let template: Promise<string> | undefined;

/** The template's dir, made on first use. Processes racing to make it each build their own and one rename wins. */
export function pgliteTemplate(): Promise<string> {
  template ??= makeTemplate().catch((err) => {
    template = undefined;
    throw err;
  });
  return template;
}

async function makeTemplate(): Promise<string> {
  // <node_modules>/@electric-sql/pglite/dist/index.cjs
  const pkg = join(dirname(pgliteEntry()), '..');
  const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string };
  const target = join(pkg, '..', '..', '.cache', 'lynx-pglite', `cluster-${version}`);
  if (existsSync(join(target, 'PG_VERSION'))) return target;
  const building = `${target}.${process.pid}.${Date.now()}`;
  try {
    mkdirSync(dirname(target), { recursive: true });
    await createCluster(building);
    try {
      renameSync(building, target);
    } catch (err) {
      if (!existsSync(join(target, 'PG_VERSION'))) throw err;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return target;
}
