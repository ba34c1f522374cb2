// Digest benchmark: bundleDigest of one big file against `sha256sum` of the same file in
// the same run, page cache warm for both. Prints throughput of each, their ratio (target >= 0.8)
// and the digest process's peak RSS (target < 100 MB: streaming, not buffering).
// Size: LYNX_BENCH_BYTES (default 1 GiB). Rounds: LYNX_BENCH_ROUNDS (default 3, best is reported).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleForNode, median, timeSha256sum, writeRandomFile } from '../common/bench-files';

const BYTES = Number(process.env.LYNX_BENCH_BYTES ?? 1024 ** 3);
const ROUNDS = Number(process.env.LYNX_BENCH_ROUNDS ?? 3);
const MB = 1e6;
const repo = resolve(__dirname, '../..');

interface ChildReport {
  digest: string | null;
  seconds: number;
  maxRssBytes: number;
}

/**
 * The child is bundled to plain JS first, as `nx build` ships apps: run through the TS loader it
 * would carry the SWC compiler's ~90 MB and the RSS figure would measure the loader, not the digest.
 */
function buildChild(outDir: string): string {
  return bundleForNode(join(repo, 'bench/digest/digest-child.ts'), join(outDir, 'digest-child.js'), join(repo, 'tsconfig.base.json'));
}

let childScript = '';

function runChild(dir: string, ...extra: string[]): ChildReport {
  const out = execFileSync('node', [childScript, dir, ...extra], { encoding: 'utf8' });
  return JSON.parse(out) as ChildReport;
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'lynx-bench-digest-'));
  try {
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    childScript = buildChild(dir);
    const file = join(dataDir, 'big.bin');
    process.stderr.write(`writing ${(BYTES / MB).toFixed(0)} MB of random bytes...\n`);
    writeRandomFile(file, BYTES);

    // Warm-up: both read the file once untimed so each timed run reads from the page cache.
    const warm = timeSha256sum(file);
    runChild(dataDir);
    const expected = `sha256:${createHash('sha256').update(`${warm.hex} ${BYTES} big.bin\n`).digest('hex')}`;

    const lynxSeconds: number[] = [];
    const sumSeconds: number[] = [];
    let peakRss = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate so background load on a shared machine hits both alike.
      const report = runChild(dataDir);
      if (report.digest !== expected) throw new Error(`digest mismatch: ${report.digest} != ${expected}`);
      lynxSeconds.push(report.seconds);
      peakRss = Math.max(peakRss, report.maxRssBytes);
      sumSeconds.push(timeSha256sum(file).seconds);
    }
    const idle = runChild(dataDir, '--idle');

    const lynxBest = Math.min(...lynxSeconds);
    const sumBest = Math.min(...sumSeconds);
    const figures = {
      bytes: BYTES,
      rounds: ROUNDS,
      bundleDigest_MBps_best: +(BYTES / MB / lynxBest).toFixed(0),
      bundleDigest_MBps_median: +(BYTES / MB / median(lynxSeconds)).toFixed(0),
      sha256sum_MBps_best: +(BYTES / MB / sumBest).toFixed(0),
      sha256sum_MBps_median: +(BYTES / MB / median(sumSeconds)).toFixed(0),
      ratio_best: +(sumBest / lynxBest).toFixed(3),
      ratio_median: +(median(sumSeconds) / median(lynxSeconds)).toFixed(3),
      peak_rss_MB: +(peakRss / MB).toFixed(1),
      idle_rss_MB: +(idle.maxRssBytes / MB).toFixed(1),
      digest_matches_sha256sum: true,
    };
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    process.stdout.write(
      `ratio (sha256sum time / bundleDigest time, best of ${ROUNDS}): ${figures.ratio_best} - target >= 0.8 ${verdict(figures.ratio_best >= 0.8)}\n` +
        `peak RSS of the digest process: ${figures.peak_rss_MB} MB (Node alone, library loaded: ${figures.idle_rss_MB} MB) - target < 100 MB ${verdict(figures.peak_rss_MB < 100)}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
