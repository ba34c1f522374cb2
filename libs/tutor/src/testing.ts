import { join, resolve } from 'node:path';
import { loadModel } from './model/bundle-io';
import type { LoadedModel } from './model/bundle-io';
import type { Variant } from './model/config';
import { runTraining } from './model/run';
import type { RunRecord } from './model/run';

/** The committed data, for tests that train and evaluate on the real corpus and eval set. */
export const REPO_ROOT = resolve(__dirname, '../../..');
export const CORPUS_DIR = join(REPO_ROOT, 'data', 'corpus');
export const EVAL_SET_FILE = join(REPO_ROOT, 'data', 'eval', 'grammar-eval.jsonl');

export interface TrainedVariants {
  dirs: Record<Variant, string>;
  runs: Record<Variant, RunRecord>;
  models: Record<Variant, LoadedModel>;
}

/** Trains all four variants on the committed corpus into `<tmpDir>/<variant>` (lora against base). Under a second. */
export async function trainAllVariants(tmpDir: string, corpus = CORPUS_DIR): Promise<TrainedVariants> {
  const dirs = {} as Record<Variant, string>;
  const runs = {} as Record<Variant, RunRecord>;
  const models = {} as Record<Variant, LoadedModel>;
  for (const variant of ['base', 'lora', 'int8', 'regressed'] as const) {
    dirs[variant] = join(tmpDir, variant);
    runs[variant] = await runTraining({ corpus, variant, out: dirs[variant], base: variant === 'lora' ? dirs.base : undefined });
    models[variant] = await loadModel(dirs[variant], variant === 'lora' ? dirs.base : undefined);
  }
  return { dirs, runs, models };
}
