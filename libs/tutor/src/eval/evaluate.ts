import type { TutorItem } from '../generator/item';
import { correct } from '../model/predict';
import type { TutorModel } from '../model/model';
import { grade } from './grade';

export interface TutorBucketResult {
  accuracy: number;
  n: number;
  passed: number;
}

export interface TutorEvalResult {
  overall: TutorBucketResult;
  buckets: Record<string, TutorBucketResult>;
}

const ratio = (passed: number, n: number) => (n === 0 ? 0 : Math.round((passed / n) * 1e6) / 1e6);

/** Corrects every item and reports accuracy overall and per bucket (buckets sorted by name). */
export function evaluate(model: TutorModel, items: readonly TutorItem[]): TutorEvalResult {
  const tally = new Map<string, { n: number; passed: number }>();
  let passed = 0;
  for (const item of items) {
    const ok = grade(correct(model, item.input), item);
    if (ok) passed++;
    for (const b of item.buckets) {
      let t = tally.get(b);
      if (!t) tally.set(b, (t = { n: 0, passed: 0 }));
      t.n++;
      if (ok) t.passed++;
    }
  }
  const buckets: Record<string, TutorBucketResult> = {};
  for (const name of [...tally.keys()].sort()) {
    const t = tally.get(name) as { n: number; passed: number };
    buckets[name] = { accuracy: ratio(t.passed, t.n), n: t.n, passed: t.passed };
  }
  return { overall: { accuracy: ratio(passed, items.length), n: items.length, passed }, buckets };
}
