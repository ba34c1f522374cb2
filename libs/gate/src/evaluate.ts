import { bundleDigest, dvcFileMd5 } from '@lynx/bundle';
import { type EvalBaseline, type EvalResult, EvalSetMismatchError, evalResultSchema } from '@lynx/schema';
import { type TutorItem, correct, dataDigest, grade, loadModel, readItems } from '@lynx/tutor';

export interface EvalSet {
  path: string;
  digest: string;
  /** DVC's md5 of the file (what dvc.lock and eval_baseline.json's eval_set_dvc_hash record). */
  dvcMd5?: string;
  items: TutorItem[];
}

/** Reads the eval set and its canonical digest (a single file: the digest of a one-file bundle). */
export async function loadEvalSet(path: string): Promise<EvalSet> {
  const [digest, dvc, items] = await Promise.all([dataDigest(path), dvcFileMd5(path), readItems(path)]);
  return { path, digest, dvcMd5: dvc.md5, items };
}

/** Step 1 of the gate: the eval set must be the one the baseline was measured on. */
export function checkEvalSet(evalSet: Pick<EvalSet, 'path' | 'digest' | 'dvcMd5'>, baseline: EvalBaseline): void {
  // The DVC hash first: it is what the deploy workflow asserts against dvc.lock, so both name the same check.
  if (baseline.eval_set_dvc_hash !== undefined && evalSet.dvcMd5 !== undefined && evalSet.dvcMd5 !== baseline.eval_set_dvc_hash) {
    throw new EvalSetMismatchError(
      `eval set ${evalSet.path} has DVC hash ${evalSet.dvcMd5}, but the baseline was measured on DVC hash ${baseline.eval_set_dvc_hash}: restore the committed eval set (git checkout -- ${evalSet.path}, or dvc repro) or measure a new baseline`,
      { path: evalSet.path, dvc_md5: evalSet.dvcMd5, expected_dvc_md5: baseline.eval_set_dvc_hash },
    );
  }
  if (evalSet.digest !== baseline.eval_set_digest) {
    throw new EvalSetMismatchError(
      `eval set ${evalSet.path} has digest ${evalSet.digest}, but the baseline was measured on ${baseline.eval_set_digest}`,
      { path: evalSet.path, digest: evalSet.digest, expected: baseline.eval_set_digest },
    );
  }
}

/**
 * Evaluates a tutor bundle folder in process (an adapter needs its base folder), keeping each
 * item's outcome (`items`) for the paired comparison. `onProgress(done, total)` is called every
 * 500 items.
 */
export async function evaluateBundleDir(dir: string, evalSet: EvalSet, baseDir?: string, now = new Date(), onProgress?: (done: number, total: number) => void): Promise<EvalResult> {
  const model = await loadModel(dir, baseDir);
  const graded: GradedItem[] = [];
  for (const item of evalSet.items) {
    graded.push({ item, ok: grade(correct(model, item.input), item) });
    if (onProgress && graded.length % 500 === 0) onProgress(graded.length, evalSet.items.length);
  }
  onProgress?.(graded.length, evalSet.items.length);
  const scored = tallyGraded(graded);
  return evalResultSchema.parse({
    model_digest: await bundleDigest(dir),
    eval_set_digest: evalSet.digest,
    variant: model.config.params.variant,
    overall: scored.overall,
    buckets: scored.buckets,
    created_at: now.toISOString(),
    items: outcomesOf(graded),
  });
}

/** Per-item outcomes in eval-set order. */
export function outcomesOf(graded: readonly GradedItem[]): Array<{ id: string; correct: boolean }> {
  return graded.map((g) => ({ id: g.item.id, correct: g.ok }));
}

export interface GradedItem {
  item: TutorItem;
  ok: boolean;
}

const ratio = (passed: number, n: number) => (n === 0 ? 0 : Math.round((passed / n) * 1e6) / 1e6);

/** Per-bucket tallies of graded items, in the shape of the tutor's evaluate (buckets sorted). */
export function tallyGraded(graded: readonly GradedItem[]): Pick<EvalResult, 'overall' | 'buckets'> {
  const tally = new Map<string, { n: number; passed: number }>();
  let passed = 0;
  for (const { item, ok } of graded) {
    if (ok) passed++;
    for (const b of item.buckets) {
      const t = tally.get(b) ?? { n: 0, passed: 0 };
      t.n++;
      if (ok) t.passed++;
      tally.set(b, t);
    }
  }
  const buckets: EvalResult['buckets'] = {};
  for (const name of [...tally.keys()].sort()) {
    const t = tally.get(name) as { n: number; passed: number };
    buckets[name] = { accuracy: ratio(t.passed, t.n), n: t.n, passed: t.passed };
  }
  return { overall: { accuracy: ratio(passed, graded.length), n: graded.length, passed }, buckets };
}

/** Grades an answer with the tutor's grader: the corrected sentence must be the item's target. */
export function gradeAnswer(item: TutorItem, output: string): boolean {
  return grade({ corrected: output.trim() }, item);
}
