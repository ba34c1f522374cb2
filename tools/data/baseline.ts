// Regenerates eval_baseline.json and data/eval/baseline-outcomes.jsonl from the committed data:
// trains base and the lora adapter on data/corpus (deterministic: the same bytes every run),
// evaluates lora on data/eval/grammar-eval.jsonl item by item, plans which buckets the eval set
// can gate (@lynx/gate planGatePower) and writes the baseline with its per-item outcomes.
// The baseline model is lora: the production model the gate compares candidates with.
//   node -r ./tools/register.js tools/data/baseline.ts   (npm run data:baseline)
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_OUTCOMES_PATH, buildPairedBaseline, evaluateBundleDir, loadEvalSet, parseBaseline, serializeBaseline, withEvalSetDvcHash } from '@lynx/gate';
import { runTraining } from '@lynx/tutor';

const TOLERANCE = 0.02;

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..');
  const work = await mkdtemp(join(tmpdir(), 'lynx-baseline-'));
  try {
    const corpus = join(root, 'data', 'corpus');
    await runTraining({ corpus, variant: 'base', out: join(work, 'base') });
    await runTraining({ corpus, variant: 'lora', out: join(work, 'lora'), base: join(work, 'base') });
    const evalSet = await loadEvalSet(join(root, 'data', 'eval', 'grammar-eval.jsonl'));
    const result = await evaluateBundleDir(join(work, 'lora'), evalSet, join(work, 'base'));
    const previousText = await readFile(join(root, 'eval_baseline.json'), 'utf8').catch(() => undefined);
    const previous = previousText ? parseBaseline(previousText) : undefined;
    // The gating list is planned afresh from the quota buckets (not the previous list), so a
    // regenerated eval set can gate more.
    const { baseline: built, outcomesText } = buildPairedBaseline(result, TOLERANCE, previous ? { ...previous, gating: undefined } : undefined, DEFAULT_OUTCOMES_PATH);
    // The eval set's DVC md5 (as dvc.lock records it), for the deploy workflow's hash assertion.
    const next = evalSet.dvcMd5 ? withEvalSetDvcHash(built, evalSet.dvcMd5) : built;
    await writeFile(join(root, DEFAULT_OUTCOMES_PATH), outcomesText);
    if (previous && previous.baseline_digest === next.baseline_digest) {
      process.stdout.write(`eval_baseline.json unchanged (${next.baseline_digest})\n`);
      return;
    }
    await writeFile(join(root, 'eval_baseline.json'), serializeBaseline(next));
    process.stdout.write(
      `eval_baseline.json ${next.baseline_digest}: model ${result.model_digest}, ${result.items?.length} items, ${next.gating?.length} gating buckets, ${next.report_only?.length} report-only\n`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exitCode = 1;
});
