// Shared by the benchmarks: a big random file, `sha256sum` of it timed as the baseline, and the
// esbuild bundling that runs a TS entry as plain JS (as `nx build` ships apps), so RSS figures
// measure the code under test, not the TypeScript loader.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { buildSync } from 'esbuild';

/**
 * Writes `bytes` random bytes to `path` and fsyncs them; returns their `sha256:` digest. The fsync
 * keeps the file's own writeback out of whatever is timed next (it had slowed the registry push).
 */
export function writeRandomFile(path: string, bytes: number): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'w');
  try {
    for (let left = bytes; left > 0; ) {
      const chunk = randomBytes(Math.min(left, 1024 * 1024));
      hash.update(chunk);
      writeSync(fd, chunk);
      left -= chunk.length;
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return `sha256:${hash.digest('hex')}`;
}

/** The baseline: `sha256sum <file>` in a child process, wall time in seconds. */
export function timeSha256sum(file: string): { hex: string; seconds: number } {
  const start = process.hrtime.bigint();
  const out = execFileSync('sha256sum', [file], { encoding: 'utf8' });
  return { hex: out.split(/\s+/)[0], seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Bundles a TS entry (with the @lynx/* paths) to one JS file for node 20; returns its path. */
export function bundleForNode(entry: string, outfile: string, tsconfig: string, external: string[] = []): string {
  buildSync({ entryPoints: [entry], bundle: true, external, platform: 'node', target: 'node20', outfile, tsconfig, logLevel: 'error' });
  return outfile;
}

/** A memory field of `/proc/<pid>/status` (VmRSS, VmHWM) in kB, as Linux reports it. */
export function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]);
}

/** The same in MiB, as the benches report memory. */
export const procStatusMb = (pid: number, field: 'VmRSS' | 'VmHWM') => procStatusKb(pid, field) / 1024;
