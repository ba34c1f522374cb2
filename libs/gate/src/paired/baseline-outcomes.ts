import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { DigestMismatchError, type EvalBaseline, ValidationError } from '@lynx/schema';
import type { TutorItem } from '@lynx/tutor';
import { itemOutcomesDigest, parseItemOutcomes } from './outcomes';
import type { GateBucketSpec, ItemOutcome } from './types';

/**
 * Reads the baseline model's per-item outcomes named by the baseline (outcomes_path, relative to
 * the baseline file) and checks them against outcomes_digest: outcomes edited by hand or from
 * another model are refused before anything is compared.
 */
export async function loadBaselineOutcomes(baseline: EvalBaseline, baselinePath: string): Promise<ItemOutcome[]> {
  if (!baseline.outcomes_path || !baseline.outcomes_digest) {
    throw new ValidationError('the baseline has no per-item outcomes (outcomes_path, outcomes_digest); regenerate it with `npm run data:baseline` so the gate can compare item by item');
  }
  if (isAbsolute(baseline.outcomes_path) || baseline.outcomes_path.split(/[\\/]/).includes('..')) {
    throw new ValidationError(`outcomes_path must be a path inside the repository, relative to the baseline file; got ${baseline.outcomes_path}`);
  }
  const path = join(dirname(baselinePath), baseline.outcomes_path);
  const outcomes = parseItemOutcomes(await readFile(path, 'utf8'));
  const digest = itemOutcomesDigest(outcomes);
  if (digest !== baseline.outcomes_digest) {
    throw new DigestMismatchError(`${path} has digest ${digest}, but the baseline names ${baseline.outcomes_digest}; restore the file or regenerate the baseline`, {
      path,
      digest,
      expected: baseline.outcomes_digest,
    });
  }
  return outcomes;
}

/**
 * The gate's buckets from the eval set's items (each item lists its buckets): a bucket gates when
 * the baseline lists it in `gating`; every other bucket is report-only.
 */
export function bucketSpecsFromItems(items: readonly Pick<TutorItem, 'id' | 'buckets'>[], baseline: Pick<EvalBaseline, 'gating'>): GateBucketSpec[] {
  const gating = new Set(baseline.gating ?? []);
  const ids = new Map<string, string[]>();
  for (const item of items) {
    for (const b of item.buckets) {
      let list = ids.get(b);
      if (!list) ids.set(b, (list = []));
      list.push(item.id);
    }
  }
  return [...ids.keys()].sort().map((name) => ({ name, itemIds: ids.get(name) as string[], gating: gating.has(name) }));
}
