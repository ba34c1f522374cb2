export const TENSES = ['present_simple', 'past_simple', 'past_participle', 'simple_future', 'infinitive'] as const;
export type Tense = (typeof TENSES)[number];

export const PERSONS = ['1sg', '2sg', '3sg', '1pl', '2pl', '3pl'] as const;
export type Person = (typeof PERSONS)[number];

/**
 * The form a verb takes in one grammatical position. `be` needs person-specific present
 * and past forms (am/is/are, was/were); for every other verb several slots coincide.
 */
export const SLOTS = ['base', 'pres.1sg', 'pres.3sg', 'pres.other', 'past.sg', 'past.other', 'pp', 'ing'] as const;
export type Slot = (typeof SLOTS)[number];

export const ERROR_TYPES = ['VERB:SVA', 'VERB:TENSE', 'VERB:FORM', 'VERB:INFL'] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

export interface VerbForms {
  base: string;
  thirdPersonSingular: string;
  past: string;
  pastParticiple: string;
  presentParticiple: string;
}

/** The slot a tense and person call for. */
export function slotFor(tense: Tense, person: Person): Slot {
  switch (tense) {
    case 'present_simple':
      return person === '3sg' ? 'pres.3sg' : person === '1sg' ? 'pres.1sg' : 'pres.other';
    case 'past_simple':
      return person === '1sg' || person === '3sg' ? 'past.sg' : 'past.other';
    case 'past_participle':
      return 'pp';
    default:
      return 'base';
  }
}
