import { SLOTS } from '../lexicon';
import type { Slot } from '../lexicon';
import type { Classifier } from './classifier';

/**
 * The tutor model: an analyser (learner's verb form → lemma) and one generator per slot
 * (lemma → the form that slot needs). Both are suffix-rule classifiers.
 */
export interface TutorModel {
  analyser: Classifier;
  generators: Record<Slot, Classifier>;
}

export function emptyModel(): TutorModel {
  const generators = {} as Record<Slot, Classifier>;
  for (const s of SLOTS) generators[s] = { suffix: {}, words: {} };
  return { analyser: { suffix: {}, words: {} }, generators };
}

export function classifiers(model: TutorModel): Array<[string, Classifier]> {
  return [['analyser', model.analyser], ...SLOTS.map((s) => [`generators.${s}`, model.generators[s]] as [string, Classifier])];
}
