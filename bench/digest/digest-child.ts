// Child of digest.bench.ts: digests one folder in a fresh process so its peak RSS is the digest's
// own, not the parent's 1 GiB of writes. With --idle it only loads the library: the baseline RSS
// of Node + the TS loader, against which the streaming overhead is read.
import { bundleDigest } from '@lynx/bundle';

async function main(): Promise<void> {
  const [dir, mode] = process.argv.slice(2);
  const start = process.hrtime.bigint();
  const digest = mode === '--idle' ? null : await bundleDigest(dir);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // resourceUsage().maxRSS is in kilobytes (getrusage ru_maxrss on Linux).
  process.stdout.write(JSON.stringify({ digest, seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exitCode = 1;
});
