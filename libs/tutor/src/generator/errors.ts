import { formFor, irregularPastForms, regularPast, slotFor } from '../lexicon';
import type { ErrorType, Person, Tense } from '../lexicon';

/**
 * The wrong forms a learner typically writes, by ERRANT-style error type, for a verb
 * whose correct form is `formFor(lemma, slotFor(tense, person))`. Each entry is a
 * candidate; types with no candidate different from the correct form are absent.
 */
export function errorCandidates(lemma: string, tense: Tense, person: Person): Partial<Record<ErrorType, string[]>> {
  const correct = formFor(lemma, slotFor(tense, person));
  const present = formFor(lemma, slotFor('present_simple', person));
  const past = formFor(lemma, slotFor('past_simple', person));
  const out: Partial<Record<ErrorType, string[]>> = {};
  const add = (type: ErrorType, forms: string[]) => {
    const wrong = [...new Set(forms)].filter((f) => f !== correct);
    if (wrong.length > 0) out[type] = wrong;
  };
  const other = (p: Person): Person => (p === '3sg' ? '3pl' : p === '1sg' && lemma === 'be' ? '3sg' : '3sg');
  switch (tense) {
    case 'present_simple':
      add('VERB:SVA', [formFor(lemma, slotFor('present_simple', other(person)))]);
      add('VERB:TENSE', [past]);
      break;
    case 'past_simple':
      if (lemma === 'be') add('VERB:SVA', [formFor(lemma, slotFor('past_simple', person === '3sg' ? '3pl' : '3sg'))]);
      add('VERB:TENSE', [present]);
      add('VERB:FORM', [formFor(lemma, 'pp')]);
      break;
    case 'past_participle':
      add('VERB:FORM', [formFor(lemma, 'past.sg'), lemma]);
      break;
    case 'simple_future':
      add('VERB:TENSE', [formFor(lemma, 'past.sg')]);
      add('VERB:FORM', [formFor(lemma, 'pres.3sg'), formFor(lemma, 'ing')]);
      break;
    case 'infinitive':
      add('VERB:FORM', [formFor(lemma, 'pres.3sg'), formFor(lemma, 'ing'), formFor(lemma, 'past.sg')]);
      break;
  }
  // Over-regularised irregulars: "goed", "has eated".
  if (lemma !== 'be' && irregularPastForms(lemma) && (tense === 'past_simple' || tense === 'past_participle')) {
    add('VERB:INFL', [regularPast(lemma)]);
  }
  if (lemma === 'have' && tense === 'present_simple' && person === '3sg') add('VERB:INFL', ['haves']);
  return out;
}
