import { analyse } from '../analysis';
import { slotFor } from '../lexicon';
import { tokenSpans } from '../tokenize';
import { applyPrediction } from './classifier';
import type { TutorModel } from './model';

export interface Edit {
  /** Token index (see `tokenize`). */
  index: number;
  from: string;
  to: string;
  /** Why: "<tense>/<person>: <lemma> → <slot>". */
  rule: string;
}

export interface Correction {
  corrected: string;
  edits: Edit[];
  /** 0–1: how sure the model is of the verb form it chose (or kept). */
  confidence: number;
}

function matchCase(like: string, word: string): string {
  const c = like.charCodeAt(0);
  return c >= 65 && c <= 90 ? word[0].toUpperCase() + word.slice(1) : word;
}

/**
 * Corrects the verb of a learner sentence: finds it and the tense/person its subject,
 * auxiliary and time adverbials call for, maps the learner's form to a lemma with the
 * analyser, and generates the required form. A sentence it cannot read is returned as is.
 */
export function correct(model: TutorModel, sentence: string): Correction {
  const spans = tokenSpans(sentence);
  const raw = spans.map((s) => s.token);
  const frame = analyse(raw);
  if (!frame) return { corrected: sentence, edits: [], confidence: 0 };
  const token = raw[frame.verbIndex];
  const lower = token.toLowerCase();
  const lemma = applyPrediction(model.analyser, lower);
  const slot = slotFor(frame.tense, frame.person);
  const form = applyPrediction(model.generators[slot], lemma.word);
  const confidence = Math.round(lemma.confidence * form.confidence * 1000) / 1000;
  if (form.word === lower || form.word === '') return { corrected: sentence, edits: [], confidence };
  const to = matchCase(token, form.word);
  const start = spans[frame.verbIndex].start;
  return {
    corrected: sentence.slice(0, start) + to + sentence.slice(start + token.length),
    edits: [{ index: frame.verbIndex, from: token, to, rule: `${frame.tense}/${frame.person}: ${lemma.word} → ${slot}` }],
    confidence,
  };
}
