import type { TutorItem } from '../generator/item';
import { tokenize } from '../tokenize';

/**
 * Pass when the corrected sentence has the target's tokens: the verb token must match
 * (case-insensitively) and nothing else may have changed.
 */
export function grade(prediction: { corrected: string }, item: TutorItem): boolean {
  const got = tokenize(prediction.corrected);
  const want = tokenize(item.target);
  if (got.length !== want.length) return false;
  for (let i = 0; i < want.length; i++) {
    if (got[i] === want[i]) continue;
    if (i !== item.verb.index || got[i].toLowerCase() !== want[i].toLowerCase()) return false;
  }
  return true;
}
