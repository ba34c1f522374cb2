import IRREGULAR_JSON from 'english-verbs-irregular/dist/verbs.json';

/**
 * Irregular past and past participle forms from `english-verbs-irregular` (RosaeNLG
 * project, Apache-2.0): `{ lemma: [[past, pastParticiple], …] }`. The first pair is the
 * one we teach; the package lists alternatives (learned/learnt) after it.
 */
const TABLE = IRREGULAR_JSON as unknown as Record<string, string[][]>;

/** Irregular 3sg present forms, which the package does not cover. */
const IRREGULAR_THIRD_PERSON: Record<string, string> = { have: 'has', be: 'is' };

export function irregularPastForms(lemma: string): { past: string; pastParticiple: string } | undefined {
  const pair = Object.prototype.hasOwnProperty.call(TABLE, lemma) ? TABLE[lemma]?.[0] : undefined;
  return pair ? { past: pair[0], pastParticiple: pair[1] } : undefined;
}

export function irregularThirdPerson(lemma: string): string | undefined {
  return IRREGULAR_THIRD_PERSON[lemma];
}

/** All lemmas the package lists. */
export function irregularLemmas(): string[] {
  return Object.keys(TABLE).sort();
}
