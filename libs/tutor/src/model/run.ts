import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { bundleDigest, dvcHashOf } from '@lynx/bundle';
import { dataDigest, readItems } from '../data/io';
import { evaluate } from '../eval/evaluate';
import type { TutorBucketResult } from '../eval/evaluate';
import { diffModel, loadModel, saveBundle } from './bundle-io';
import { VARIANT_PARAMS } from './config';
import type { TrainParams, Variant } from './config';
import { splitCorpus, trainModel } from './train';

export interface TrainOptions {
  corpus: string;
  variant: Variant;
  out: string;
  seed?: number;
  /** The base bundle an adapter (lora) is trained against. */
  base?: string;
  onProgress?: (done: number, total: number) => void;
}

/** run.json, written beside the bundle: the lineage the registry records. */
export interface RunRecord {
  run_id: string;
  variant: Variant;
  params: TrainParams;
  bundle_digest: string;
  parent_digest: string | null;
  /** The corpus: Lynx's sha256 digest and, beside it, DVC's hash of the same path (as dvc.lock records it). */
  data: { path: string; digest: string; items: number; dvc?: { md5: string; size: number; nfiles?: number } };
  code_commit: string | null;
  metrics: { train_items: number; dev_items: number; dev: TutorBucketResult; dev_buckets?: Record<string, TutorBucketResult>; train_seconds: number };
}

export const DEFAULT_SEED = 42;

/** `<out>.run.json`: beside the bundle, never inside it, because the run id and timing vary. */
export function runRecordPath(out: string): string {
  return join(dirname(resolve(out)), `${basename(resolve(out))}.run.json`);
}

async function codeCommit(): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { timeout: 5000 });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/** One training run: reads the corpus, trains the variant, writes the bundle and run.json. */
export async function runTraining(options: TrainOptions): Promise<RunRecord> {
  const started = process.hrtime.bigint();
  const params: TrainParams = { ...VARIANT_PARAMS[options.variant], seed: options.seed ?? DEFAULT_SEED };
  if (params.adapter && !options.base) throw new Error(`variant ${options.variant} is an adapter: pass the base bundle`);
  const items = await readItems(options.corpus);
  const { train, dev } = splitCorpus(items, params.seed, params.devShare);
  const full = trainModel(train, params, (done) => options.onProgress?.(done, train.length));
  let stored = full;
  let parentDigest: string | null = null;
  if (params.adapter && options.base) {
    parentDigest = await bundleDigest(options.base);
    stored = diffModel(full, await loadModel(options.base));
  }
  const digest = await saveBundle(options.out, stored, params, parentDigest);
  const served = await loadModel(options.out, options.base);
  const devResult = evaluate(served, dev);
  const record: RunRecord = {
    run_id: randomUUID(),
    variant: options.variant,
    params,
    bundle_digest: digest,
    parent_digest: parentDigest,
    data: { path: options.corpus, digest: await dataDigest(options.corpus), items: items.length, dvc: await dvcHashOf(options.corpus) },
    code_commit: await codeCommit(),
    metrics: {
      train_items: train.length,
      dev_items: dev.length,
      dev: devResult.overall,
      dev_buckets: devResult.buckets,
      train_seconds: Number(process.hrtime.bigint() - started) / 1e9,
    },
  };
  await writeFile(runRecordPath(options.out), JSON.stringify(record, null, 2) + '\n');
  return record;
}
