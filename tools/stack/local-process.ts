import * as fs from 'node:fs';
import * as path from 'node:path';

/** First executable named `name` in `dirs`, or undefined. */
export function findBinary(name: string, dirs: string[]): string | undefined {
  for (const dir of dirs) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

export function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when `pid` is alive and still runs `binary`: a stale pidfile whose pid was reused
 * by another program must never lead us to signal that program.
 */
export function isOurs(pid: number, binary: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z' && cmdline.includes(binary);
  } catch {
    return process.platform !== 'linux'; // no /proc: trust the pidfile
  }
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. Resolves once it is gone. */
export async function stopProcess(pid: number, binary: string, graceMs = 5000): Promise<'stopped' | 'killed'> {
  signal(pid, 'SIGTERM');
  if (await waitGone(pid, binary, graceMs)) return 'stopped';
  signal(pid, 'SIGKILL');
  await waitGone(pid, binary, 2000);
  return 'killed';
}

async function waitGone(pid: number, binary: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (let delay = 20; Date.now() < deadline; delay = Math.min(delay * 2, 200)) {
    if (!isOurs(pid, binary)) return true;
    await new Promise((r) => setTimeout(r, delay));
  }
  return !isOurs(pid, binary);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
