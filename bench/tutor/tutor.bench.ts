// Tutor benchmark: throughput of extractVerbFeatures (the drift worker's
// per-event work, target >= 50 000/s), of correct() per variant (the model server's work), and
// of training, against a baseline measured in the same run: JSON.parse of the same sentence
// wrapped as an event (work every consumer does anyway). 3 rounds, best reported.
//   node -r ./tools/register.js bench/tutor/tutor.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { correct, extractVerbFeatures, readItems } from '@lynx/tutor';
import { EVAL_SET_FILE, trainAllVariants } from '@lynx/tutor/testing';

const ROUNDS = 3;

function perSecond(n: number, fn: (i: number) => unknown): number {
  let best = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(i);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    best = Math.max(best, n / s);
  }
  return best;
}

async function main(): Promise<void> {
  const items = await readItems(EVAL_SET_FILE);
  const sentences = items.map((i) => i.input);
  const events = sentences.map((s) => JSON.stringify({ id: 'e', model: 'grammar-tutor', input: s, output: s, latency_ms: 12 }));
  const dir = mkdtempSync(join(tmpdir(), 'lynx-bench-tutor-'));
  try {
    const t0 = process.hrtime.bigint();
    const trained = await trainAllVariants(dir);
    const trainSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const N = 200_000;
    const baseline = perSecond(N, (i) => JSON.parse(events[i % events.length]));
    const features = perSecond(N, (i) => extractVerbFeatures(sentences[i % sentences.length]));
    const rows: string[] = [
      `| JSON.parse of the event (baseline) | ${Math.round(baseline)} /s | 1.00 |`,
      `| extractVerbFeatures | ${Math.round(features)} /s | ${(features / baseline).toFixed(2)} |`,
    ];
    for (const [variant, model] of Object.entries(trained.models)) {
      const rate = perSecond(50_000, (i) => correct(model, sentences[i % sentences.length]));
      rows.push(`| correct() ${variant} | ${Math.round(rate)} /s | ${(rate / baseline).toFixed(2)} |`);
    }
    process.stdout.write(`| figure | best of ${ROUNDS} | ratio to baseline |\n|---|---|---|\n${rows.join('\n')}\n`);
    process.stdout.write(`training all four variants on the committed corpus: ${trainSeconds.toFixed(2)} s\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exitCode = 1;
});
