// Lynx beside the peers a user would pick instead, each measured in the same run on this machine
// with the ratio printed: the registry vs MLflow's server, the drift worker vs Evidently, the
// router vs LiteLLM's proxy and Portkey's AI Gateway. Needs the Python venv (LYNX_VENV or
// .lynx/venv: `bash tools/python/venv.sh`), Redis, NATS and PostgreSQL.
//   npm run bench:peers                      quick sizes (≈ 10 minutes)
//   npm run bench:peers -- --full            full sizes: 10 000 versions, 100 000 and 1 000 000 events, longer phases
//   npm run bench:peers -- --only registry   (or drift, router; comma-separated)
//   npm run bench:peers -- --no-postgres     the registry part on the embedded backends only (quick sizes)
//   npm run bench:peers -- --rate 20         the router part's fixed rate, req/s (default 200): below
//                                            every gateway's capacity, added latency is not queueing
import { loadavg } from 'node:os';
import { driftPeers } from './drift.peer';
import { registryPeers } from './registry.peer';
import { routerPeers } from './router.peer';

const PARTS = ['registry', 'drift', 'router'] as const;
type Part = (typeof PARTS)[number];

function parseArgs(argv: string[]): { only: Part[]; full: boolean; rate: number; sqliteOnly: boolean } {
  let only: Part[] = [...PARTS];
  let full = false;
  let rate = 200;
  let sqliteOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--full') full = true;
    else if (a === '--no-postgres') sqliteOnly = true;
    else if (a === '--rate') {
      rate = Number(argv[++i]);
      if (!(rate > 0)) throw new Error(`--rate takes a positive number of requests per second, got ${argv[i]}`);
    }
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a.includes('=') ? a.slice(7) : argv[++i];
      only = (v ?? '').split(',').filter(Boolean) as Part[];
      const bad = only.filter((p) => !PARTS.includes(p));
      if (bad.length || only.length === 0) throw new Error(`--only takes ${PARTS.join('|')} (comma-separated), got ${v}`);
    } else throw new Error(`unknown argument ${a}: use --only ${PARTS.join('|')} --full, --rate N`);
  }
  return { only, full, rate, sqliteOnly };
}

async function main(): Promise<void> {
  const { only, full, rate, sqliteOnly } = parseArgs(process.argv.slice(2));
  // Ratios are same-run comparisons; the load says how far absolute figures are from a quiet machine.
  const load = () => loadavg().map((x) => x.toFixed(1)).join(' / ');
  process.stdout.write(`bench:peers (${full ? 'full sizes' : 'quick sizes; --full for full sizes'}): ${only.join(', ')}; load average 1/5/15 min at start: ${load()}\n`);
  const started = Date.now();
  if (only.includes('registry')) await registryPeers(full ? { versions: 10_000, samples: 300, postgres: true } : { versions: 1_000, samples: 200, postgres: !sqliteOnly });
  if (only.includes('drift')) await driftPeers({ sizes: full ? [100_000, 1_000_000] : [100_000] });
  if (only.includes('router')) await routerPeers(full ? { seconds: 20, rate, rounds: 3, concurrency: 32 } : { seconds: 8, rate, rounds: 2, concurrency: 32 });
  process.stdout.write(`\nbench:peers took ${((Date.now() - started) / 1000).toFixed(0)} s; load average at the end: ${load()}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
