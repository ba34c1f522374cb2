import { IDENTITY_RULE, applyRule } from './edit-rule';

/**
 * A suffix-rule classifier: the features of a word are its last 1–4 letters ("-e", "-ke",
 * "-ake", "-make") and, when memorisation is on, the whole word ("=make"). Each feature
 * holds a weight per rule (the share of training words with that feature that took the
 * rule). A prediction sums the weights of the word's features, scaled so that longer,
 * more specific features count more, and takes the best rule.
 */
export type Table = Record<string, Record<string, number>>;

export interface Classifier {
  /** Suffix features → rule → weight. */
  suffix: Table;
  /** Whole-word features (memorised exceptions) → rule → weight. */
  words: Table;
}

export interface Prediction {
  rule: string;
  confidence: number;
}

export const MAX_SUFFIX = 4;
const WORD_SCALE = 16;

export function suffixFeatures(word: string): string[] {
  const out: string[] = [];
  for (let n = 1; n <= MAX_SUFFIX && n <= word.length; n++) out.push(word.slice(word.length - n));
  return out;
}

export function predict(c: Classifier, word: string): Prediction {
  const scores = new Map<string, number>();
  let mass = 0;
  const add = (weights: Record<string, number> | undefined, scale: number) => {
    if (!weights) return;
    mass += scale;
    for (const rule in weights) {
      if (applyRule(word, rule) !== null) scores.set(rule, (scores.get(rule) ?? 0) + scale * weights[rule]);
    }
  };
  const feats = suffixFeatures(word);
  for (let n = 0; n < feats.length; n++) add(c.suffix[feats[n]], 1 << n);
  add(c.words[word], WORD_SCALE);
  let best = IDENTITY_RULE;
  let bestScore = -1;
  for (const [rule, score] of scores) {
    if (score > bestScore || (score === bestScore && rule < best)) [best, bestScore] = [rule, score];
  }
  return { rule: best, confidence: mass > 0 && bestScore > 0 ? bestScore / mass : 0 };
}

export function applyPrediction(c: Classifier, word: string): { word: string; confidence: number } {
  const p = predict(c, word);
  return { word: applyRule(word, p.rule) ?? word, confidence: p.confidence };
}
