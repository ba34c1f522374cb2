import { ALL_LEMMAS, ERROR_TYPES, PERSONS, TENSES } from '../lexicon';
import { generateItems } from '../generator/generate';
import type { TutorItem } from '../generator/item';
import { EVAL_SPEC } from './generation';

/** The buckets the eval set must fill to EVAL_SPEC.minPerBucket: every tense, person and error type, and the most frequent verbs. */
export function evalQuotaBuckets(): string[] {
  return [
    ...TENSES.map((t) => `tense.${t}`),
    ...PERSONS.map((p) => `person.${p}`),
    ...ERROR_TYPES.map((e) => `error.${e}`),
    ...EVAL_SPEC.gatedVerbs.map((v) => `verb.${v}`),
  ];
}

/**
 * Keeps, in pool order, each item that adds to a bucket still under its quota, until every quota
 * is met; then renumbers the kept items `<idPrefix>-000001…`. A plain random sample large enough
 * for the rarest bucket (subject–verb agreement only exists in some tenses; `have` is one lemma
 * in ~70) would be ten times larger; this keeps the file small while every quota bucket gets at
 * least `min` items. Throws when the pool runs out first (grow the pool).
 */
export function selectByQuota(pool: readonly TutorItem[], buckets: readonly string[], min: number, idPrefix: string): TutorItem[] {
  const need = new Map(buckets.map((b) => [b, min]));
  let open = need.size;
  const kept: TutorItem[] = [];
  for (const item of pool) {
    if (open === 0) break;
    if (!item.buckets.some((b) => (need.get(b) ?? 0) > 0)) continue;
    for (const b of item.buckets) {
      const left = need.get(b);
      if (left === undefined || left === 0) continue;
      need.set(b, left - 1);
      if (left === 1) open--;
    }
    kept.push({ ...item, id: `${idPrefix}-${String(kept.length + 1).padStart(6, '0')}` });
  }
  if (open > 0) {
    const short = [...need].filter(([, left]) => left > 0).map(([b, left]) => `${b} (${left} short)`);
    throw new Error(`eval pool of ${pool.length} items cannot fill ${short.join(', ')}; raise EVAL_SPEC.pool`);
  }
  return kept;
}

/** The committed eval set (data/eval/grammar-eval.jsonl): a quota selection from a seeded pool. */
export function generateEvalSet(): TutorItem[] {
  const pool = generateItems({ seed: EVAL_SPEC.seed, count: EVAL_SPEC.pool, lemmas: ALL_LEMMAS, idPrefix: 'pool' });
  return selectByQuota(pool, evalQuotaBuckets(), EVAL_SPEC.minPerBucket, EVAL_SPEC.idPrefix);
}
