// Lynx beside the peers a user would pick instead, each measured in the same run on this machine
// with the ratio printed: the registry vs MLflow's server, the drift worker vs Evidently, the
// router vs LiteLLM's proxy and Portkey's AI Gateway. Needs the Python venv (LYNX_VENV or
// .lynx/venv: `bash tools/python/venv.sh`), Redis, NATS and PostgreSQL.
//   npm run bench:peers                      quick sizes (≈ 10 minutes)
//   npm run bench:peers -- --full            the sizes: 10 000 versions, 100 000 and 1 000 000 events, longer phases
//   npm run bench:peers -- --only registry   (or drift, router; comma-separated)
import { driftPeers } from './drift.peer';
import { registryPeers } from './registry.peer';
import { routerPeers } from './router.peer';

const PARTS = ['registry', 'drift', 'router'] as const;
type Part = (typeof PARTS)[number];

function parseArgs(argv: string[]): { only: Part[]; full: boolean } {
  let only: Part[] = [...PARTS];
  let full = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--full') full = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a.includes('=') ? a.slice(7) : argv[++i];
      only = (v ?? '').split(',').filter(Boolean) as Part[];
      const bad = only.filter((p) => !PARTS.includes(p));
      if (bad.length || only.length === 0) throw new Error(`--only takes ${PARTS.join('|')} (comma-separated), got ${v}`);
    } else throw new Error(`unknown argument ${a}: use --only ${PARTS.join('|')} and/or --full`);
  }
  return { only, full };
}

async function main(): Promise<void> {
  const { only, full } = parseArgs(process.argv.slice(2));
  process.stdout.write(`bench:peers (${full ? 'full sizes' : 'quick sizes; --full for the issue\'s'}): ${only.join(', ')}\n`);
  const started = Date.now();
  if (only.includes('registry')) await registryPeers(full ? { versions: 10_000, samples: 300 } : { versions: 1_000, samples: 200 });
  if (only.includes('drift')) await driftPeers({ sizes: full ? [100_000, 1_000_000] : [100_000] });
  if (only.includes('router')) await routerPeers(full ? { seconds: 20, rate: 200, rounds: 3, concurrency: 32 } : { seconds: 8, rate: 200, rounds: 2, concurrency: 32 });
  process.stdout.write(`\nbench:peers took ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
