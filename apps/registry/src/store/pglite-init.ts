import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

// Runs in a child process: create the cluster, close it, exit.
const INIT_SOURCE = `
const [dir, entry] = process.argv.slice(1);
require(entry).PGlite.create(dir).then((pg) => pg.close());
`;

/**
 * Creates a new embedded database cluster in `dir` in a short-lived child process, so the memory
 * initdb needs is given back to the OS when it exits. In the registry's own process it stayed:
 * the first start on a new data dir idled at ~700 MB RSS (~330 MB after a full GC; a worker
 * thread kept ~350 MB in glibc's arenas), against ~200–230 MB for every later start on the same
 * dir (bench/RESULTS.md, Registry). A dir that already holds a cluster is left alone.
 */
export async function initPGliteDir(dir: string): Promise<void> {
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  try {
    await promisify(execFile)(process.execPath, ['-e', INIT_SOURCE, dir, require.resolve('@electric-sql/pglite')]);
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '').trim();
    throw new Error(`could not create the embedded database in ${dir}: ${stderr || (err as Error).message}`);
  }
}
