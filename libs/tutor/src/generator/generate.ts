import { COMMON_LEMMAS, ERROR_TYPES, PERSONS, TENSES, formFor, slotFor } from '../lexicon';
import type { ErrorType, Person, Tense } from '../lexicon';
import { detokenize, tokenize } from '../tokenize';
import { errorCandidates } from './errors';
import type { TutorItem } from './item';
import { ADVERBIALS, INFINITIVE_HEADS, SUBJECTS, objectsFor } from './phrases';
import { mulberry32, pick, pickWeighted } from './prng';
import type { Random } from './prng';

export interface GenerateOptions {
  seed: number;
  count: number;
  /** Lemmas to draw from. */
  lemmas: readonly string[];
  /** Prefix of item ids, e.g. "train" → "train-000001". */
  idPrefix: string;
  /** Share of items left correct (the model must not change them). */
  correctShare?: number;
}

const COMMON = new Set<string>(COMMON_LEMMAS);

/** be, go and have are what learners get wrong most; they appear more often. */
function lemmaWeight(lemma: string): number {
  if (lemma === 'be' || lemma === 'go' || lemma === 'have') return 4;
  return COMMON.has(lemma) ? 2 : 1;
}

function words(phrase: string): string[] {
  return phrase === '' ? [] : tokenize(phrase);
}

interface Frame {
  before: string[];
  after: string[];
}

/** The words around the verb for a tense: "[Yesterday ,] he [usually] <verb> [object] [end adverbial] ." */
function frame(random: Random, tense: Tense, person: Person, lemma: string): Frame {
  const subject = words(pick(random, SUBJECTS[person]));
  const adv = ADVERBIALS[tense];
  const before: string[] = [];
  const end: string[] = [];
  const object = words(pick(random, objectsFor(lemma)));
  if (tense === 'past_participle') {
    before.push(...subject, formFor('have', slotFor('present_simple', person)));
    if (random() < 0.5) before.push(pick(random, adv.mid));
    else end.push(...words(pick(random, adv.end)));
  } else if (tense === 'infinitive') {
    before.push(...subject, formFor(pick(random, INFINITIVE_HEADS), slotFor('present_simple', person)), 'to');
  } else {
    const useFront = adv.front.length > 0 && random() < 0.4;
    if (useFront) before.push(...words(pick(random, adv.front)), ',');
    before.push(...subject);
    if (tense === 'simple_future') before.push('will');
    if (!useFront) {
      if (adv.mid.length > 0 && random() < 0.5) before.push(pick(random, adv.mid));
      else end.push(...words(pick(random, adv.end)));
    }
  }
  before[0] = before[0][0].toUpperCase() + before[0].slice(1);
  return { before, after: [...object, ...end, '.'] };
}

/** Generates `count` learner sentences deterministically from `seed`. */
export function generateItems(options: GenerateOptions): TutorItem[] {
  const random = mulberry32(options.seed);
  const weights = options.lemmas.map(lemmaWeight);
  const correctShare = options.correctShare ?? 0.2;
  const items: TutorItem[] = [];
  for (let i = 0; i < options.count; i++) {
    const tense = pick(random, TENSES);
    const person = pick(random, PERSONS);
    const lemma = pickWeighted(random, options.lemmas, weights);
    const { before, after } = frame(random, tense, person, lemma);
    const correct = formFor(lemma, slotFor(tense, person));
    let error: ErrorType | null = null;
    let wrong = correct;
    if (random() >= correctShare) {
      const candidates = errorCandidates(lemma, tense, person);
      const types = ERROR_TYPES.filter((t) => candidates[t]);
      if (types.length > 0) {
        error = pick(random, types);
        wrong = pick(random, candidates[error] as string[]);
      }
    }
    const buckets = [`tense.${tense}`, `person.${person}`];
    if (COMMON.has(lemma)) buckets.push(`verb.${lemma}`);
    if (error) buckets.push(`error.${error}`);
    items.push({
      id: `${options.idPrefix}-${String(i + 1).padStart(6, '0')}`,
      input: detokenize([...before, wrong, ...after]),
      target: detokenize([...before, correct, ...after]),
      verb: { lemma, tense, person, index: before.length },
      error,
      buckets,
    });
  }
  return items;
}
