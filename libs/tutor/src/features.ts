import { analyse } from './analysis';
import { ALL_LEMMAS, SLOTS, formFor, irregularLemmas, irregularPastForms, presentParticiple, regularPast, slotFor, thirdPersonSingular } from './lexicon';
import type { Person, Tense } from './lexicon';
import { tokenize } from './tokenize';

export interface VerbFeature {
  token: string;
  lemma: string;
  /** The tense the sentence calls for (from its auxiliary and time adverbials). */
  tense: Tense;
  person: Person;
  index: number;
}

export interface VerbFeatures {
  verbs: VerbFeature[];
  scalars: { tokens: number; chars: number; verbs: number; known_lemma: number };
}

/** Every form of every lemma the lexicon knows → its lemma, built once (irregulars from the data package included). */
const FORM_TO_LEMMA: Map<string, string> = (() => {
  const map = new Map<string, string>();
  const add = (form: string, lemma: string) => {
    if (!map.has(form)) map.set(form, lemma);
  };
  for (const lemma of ALL_LEMMAS) for (const slot of SLOTS) add(formFor(lemma, slot), lemma);
  for (const lemma of irregularLemmas()) {
    const f = irregularPastForms(lemma);
    add(lemma, lemma);
    if (f) [f.past, f.pastParticiple].forEach((x) => add(x, lemma));
    add(thirdPersonSingular(lemma), lemma);
    add(presentParticiple(lemma), lemma);
    add(regularPast(lemma), lemma); // over-regularised learner forms: "goed"
  }
  for (const lemma of ALL_LEMMAS) add(regularPast(lemma), lemma);
  return map;
})();

/** Unknown words: undo the commonest regular suffix; good enough for a histogram key. */
function guessLemma(word: string): string {
  if (word.endsWith('ies') || word.endsWith('ied')) return word.slice(0, -3) + 'y';
  if (word.endsWith('ing') && word.length > 5) return word.slice(0, -3);
  if (word.endsWith('ed') && word.length > 4) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && word.length > 3) return word.slice(0, -1);
  return word;
}

/**
 * The verb under test in a learner sentence with its lemma, the tense and person the
 * sentence calls for, and scalar features. One tokenization and a few map lookups per
 * call, so it keeps up with the event stream (the drift worker's histograms).
 */
export function extractVerbFeatures(sentence: string): VerbFeatures {
  const raw = tokenize(sentence);
  const frame = analyse(raw);
  const verbs: VerbFeature[] = [];
  let known = 0;
  if (frame) {
    const token = raw[frame.verbIndex];
    const lower = token.toLowerCase();
    const lemma = FORM_TO_LEMMA.get(lower);
    if (lemma !== undefined) known = 1;
    verbs.push({ token, lemma: lemma ?? guessLemma(lower), tense: frame.tense, person: frame.person, index: frame.verbIndex });
  }
  return { verbs, scalars: { tokens: raw.length, chars: sentence.length, verbs: verbs.length, known_lemma: known } };
}

/** The slot a feature's tense and person call for (a convenience for consumers bucketing by form). */
export function featureSlot(v: Pick<VerbFeature, 'tense' | 'person'>) {
  return slotFor(v.tense, v.person);
}
