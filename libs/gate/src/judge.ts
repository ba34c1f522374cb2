import type { TutorItem } from '@lynx/tutor';
import { gradeAnswer } from './evaluate';

/** Judges an (input, output) pair: true/false when the input is a known item, undefined otherwise. */
export type Judge = (input: string, output: string) => { ok: boolean; buckets: readonly string[] } | undefined;

/**
 * The tutor's grader applied to live traffic: a request whose input is one of `items` (the eval
 * set, or any labelled set) can be judged; any other input cannot, and is left out of pass rates.
 */
export function makeJudge(items: readonly TutorItem[]): Judge {
  const byInput = new Map<string, TutorItem>();
  for (const item of items) byInput.set(item.input.trim(), item);
  return (input, output) => {
    const item = byInput.get(input.trim());
    return item ? { ok: gradeAnswer(item, output), buckets: item.buckets } : undefined;
  };
}
