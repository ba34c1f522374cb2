import { irregularPastForms, irregularThirdPerson } from './irregular';
import { presentParticiple, regularPast, thirdPersonSingular } from './spelling';
import type { Slot, VerbForms } from './types';

/** The verbs the tutor teaches. Weighted ones appear more often in generated data. */
export const COMMON_LEMMAS = [
  'be', 'have', 'go', 'do', 'say', 'make', 'take', 'get', 'see', 'come', 'know', 'think', 'give', 'find', 'tell',
  'become', 'leave', 'feel', 'bring', 'begin', 'keep', 'write', 'eat', 'run',
] as const;

export const OTHER_IRREGULAR_LEMMAS = [
  'buy', 'sell', 'speak', 'drink', 'drive', 'swim', 'sing', 'sleep', 'meet', 'pay', 'send', 'build', 'teach',
  'catch', 'fly', 'forget', 'choose', 'wear', 'win', 'lose', 'read', 'put', 'cut', 'sit', 'stand', 'hear', 'grow',
  'draw', 'break', 'ride', 'fall', 'hold', 'spend', 'lend',
] as const;

export const REGULAR_LEMMAS = [
  'walk', 'talk', 'work', 'help', 'want', 'need', 'call', 'ask', 'cook', 'clean', 'start', 'finish', 'watch',
  'wash', 'fix', 'miss', 'play', 'stay', 'enjoy', 'try', 'study', 'cry', 'carry', 'worry', 'stop', 'plan', 'shop',
  'drop', 'like', 'live', 'love', 'dance', 'smile', 'use', 'move', 'close', 'arrive', 'hope', 'die', 'tie',
  'visit', 'open', 'listen', 'happen', 'answer', 'prefer', 'admit', 'wait', 'jog',
] as const;

export const ALL_LEMMAS: readonly string[] = [...COMMON_LEMMAS, ...OTHER_IRREGULAR_LEMMAS, ...REGULAR_LEMMAS];

const BE: Record<Slot, string> = {
  base: 'be', 'pres.1sg': 'am', 'pres.3sg': 'is', 'pres.other': 'are', 'past.sg': 'was', 'past.other': 'were',
  pp: 'been', ing: 'being',
};

/** The five principal parts of a verb (for `be`, the 3sg/singular-past ones). */
export function verbForms(lemma: string): VerbForms {
  const irregular = irregularPastForms(lemma);
  const past = irregular?.past ?? regularPast(lemma);
  return {
    base: lemma,
    thirdPersonSingular: irregularThirdPerson(lemma) ?? thirdPersonSingular(lemma),
    past: lemma === 'be' ? 'was' : past,
    pastParticiple: irregular?.pastParticiple ?? past,
    presentParticiple: presentParticiple(lemma),
  };
}

/** The correct form of `lemma` in `slot`. */
export function formFor(lemma: string, slot: Slot): string {
  if (lemma === 'be') return BE[slot];
  const f = verbForms(lemma);
  switch (slot) {
    case 'pres.3sg':
      return f.thirdPersonSingular;
    case 'past.sg':
    case 'past.other':
      return f.past;
    case 'pp':
      return f.pastParticiple;
    case 'ing':
      return f.presentParticiple;
    default:
      return f.base;
  }
}

/** True when the lemma's past or participle does not follow the regular rule. */
export function isIrregular(lemma: string): boolean {
  return lemma === 'be' || irregularPastForms(lemma) !== undefined && verbForms(lemma).past !== regularPast(lemma);
}
