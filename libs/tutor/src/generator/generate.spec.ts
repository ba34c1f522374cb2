import { ALL_LEMMAS, formFor, slotFor } from '../lexicon';
import { tokenize } from '../tokenize';
import { generateItems } from './generate';

const options = { seed: 7, count: 1500, lemmas: ALL_LEMMAS, idPrefix: 't' };

describe('generateItems', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateItems(options)).toEqual(generateItems(options));
    expect(generateItems({ ...options, seed: 8 })).not.toEqual(generateItems(options));
  });

  it('covers every tense, person and error bucket', () => {
    const buckets = new Set(generateItems(options).flatMap((i) => i.buckets));
    for (const b of ['tense.present_simple', 'tense.past_simple', 'tense.past_participle', 'tense.simple_future', 'tense.infinitive',
      'person.1sg', 'person.2sg', 'person.3sg', 'person.1pl', 'person.2pl', 'person.3pl', 'verb.go', 'verb.be',
      'error.VERB:SVA', 'error.VERB:TENSE', 'error.VERB:FORM', 'error.VERB:INFL']) {
      expect(buckets).toContain(b);
    }
  });

  it('puts the correct form at the verb index and an error exactly when labelled', () => {
    for (const item of generateItems(options)) {
      const target = tokenize(item.target);
      const input = tokenize(item.input);
      const { lemma, tense, person, index } = item.verb;
      expect(target[index].toLowerCase()).toBe(formFor(lemma, slotFor(tense, person)));
      expect(input.length).toBe(target.length);
      expect(input[index] !== target[index]).toBe(item.error !== null);
      expect(input.filter((t, i) => t !== target[i]).length).toBe(item.error ? 1 : 0);
    }
  });

  it('writes the learner errors the tutor is for', () => {
    const items = generateItems({ ...options, count: 6000 });
    const inputs = items.map((i) => i.input);
    expect(inputs.some((s) => /\bgoed\b/.test(s))).toBe(true);
    expect(inputs.some((s) => /\b(has|have)( already| just| never)? went\b/.test(s))).toBe(true);
    const sva = items.find((i) => i.error === 'VERB:SVA' && i.verb.lemma === 'go' && i.verb.person === '3sg');
    expect(sva && tokenize(sva.input)[sva.verb.index].toLowerCase()).toBe('go');
  });
});
