import { readItems } from './data/io';
import { extractVerbFeatures } from './features';
import { EVAL_SET_FILE } from './testing';
import { countTokens, detokenize, tokenize } from './tokenize';

describe('tokenize', () => {
  it('splits words, numbers and punctuation', () => {
    expect(tokenize('Yesterday, he goed home since 2019.')).toEqual(['Yesterday', ',', 'he', 'goed', 'home', 'since', '2019', '.']);
    expect(tokenize("It's  fine!")).toEqual(["It's", 'fine', '!']);
    expect(tokenize('')).toEqual([]);
    expect(countTokens('Yesterday, he goed home.')).toBe(6);
    expect(detokenize(tokenize('Yesterday, he goed home.'))).toBe('Yesterday, he goed home.');
  });
});

describe('extractVerbFeatures', () => {
  it('finds the verb with its lemma, tense and person', () => {
    expect(extractVerbFeatures('Yesterday, he goed home.').verbs).toEqual([
      { token: 'goed', lemma: 'go', tense: 'past_simple', person: '3sg', index: 3 },
    ]);
    expect(extractVerbFeatures('You all have already went to school.').verbs[0]).toMatchObject({
      lemma: 'go', tense: 'past_participle', person: '2pl', index: 4,
    });
    expect(extractVerbFeatures('My parents want to be happy.').verbs[0]).toMatchObject({ lemma: 'be', tense: 'infinitive', person: '3pl' });
    expect(extractVerbFeatures('He has a dog.').verbs[0]).toMatchObject({ lemma: 'have', tense: 'present_simple', index: 1 });
    expect(extractVerbFeatures('Tomorrow, I will am there.').verbs[0]).toMatchObject({ lemma: 'be', tense: 'simple_future', person: '1sg' });
  });

  it('gives scalars, and no verb for text it cannot read', () => {
    const f = extractVerbFeatures('??');
    expect(f.verbs).toEqual([]);
    expect(f.scalars).toEqual({ tokens: 2, chars: 2, verbs: 0, known_lemma: 0 });
  });

  it('agrees with the labels of every eval item', async () => {
    for (const item of await readItems(EVAL_SET_FILE)) {
      const [verb] = extractVerbFeatures(item.input).verbs;
      expect({ id: item.id, ...verb, token: undefined }).toEqual({ id: item.id, ...item.verb, token: undefined });
    }
  });
});
