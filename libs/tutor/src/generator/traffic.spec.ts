import { corpusLemmas } from '../data/generation';
import { generateTraffic, newLemmaPool, parseShift, shiftedShares } from './traffic';

const share = (items: { verb: { tense: string } }[], tense: string) => items.filter((i) => i.verb.tense === tense).length / items.length;

describe('parseShift', () => {
  it('reads relative and point shifts', () => {
    expect(parseShift('tense.past_participle=+30%')).toEqual({ feature: 'tense', bucket: 'past_participle', mode: 'relative', amount: 0.3 });
    expect(parseShift('person.3sg=-10pp')).toEqual({ feature: 'person', bucket: '3sg', mode: 'points', amount: -0.1 });
  });

  it('rejects unknown buckets and malformed specs with the function name', () => {
    expect(() => parseShift('tense.pluperfect=+30%')).toThrow(/parseShift: unknown tense bucket "pluperfect"/);
    expect(() => parseShift('tense.past_simple=30')).toThrow(/parseShift: expected/);
  });
});

describe('shiftedShares', () => {
  it('multiplies the bucket share and rescales the others to sum to 1', () => {
    const s = shiftedShares('tense', [parseShift('tense.past_participle=+30%')]);
    expect(s.get('past_participle')).toBeCloseTo(0.26, 12);
    expect(s.get('past_simple')).toBeCloseTo(0.74 / 4, 12);
    expect([...s.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('adds percentage points', () => {
    expect(shiftedShares('tense', [parseShift('tense.infinitive=+30pp')]).get('infinitive')).toBeCloseTo(0.5, 12);
  });
});

describe('generateTraffic', () => {
  it('is deterministic in its seed', () => {
    expect(generateTraffic({ seed: 3, count: 50 })).toEqual(generateTraffic({ seed: 3, count: 50 }));
    expect(generateTraffic({ seed: 3, count: 50 })).not.toEqual(generateTraffic({ seed: 4, count: 50 }));
  });

  it('keeps the corpus tense mix unshifted and moves it by the requested share', () => {
    const plain = generateTraffic({ seed: 1, count: 6000 });
    const shifted = generateTraffic({ seed: 1, count: 6000, shifts: [parseShift('tense.past_participle=+30pp')] });
    expect(plain).toHaveLength(6000);
    expect(share(plain, 'past_participle')).toBeGreaterThan(0.17);
    expect(share(plain, 'past_participle')).toBeLessThan(0.23);
    expect(share(shifted, 'past_participle')).toBeGreaterThan(0.47);
    expect(share(shifted, 'past_participle')).toBeLessThan(0.53);
  });

  it('adds lemmas the corpus never uses only when asked', () => {
    const corpus = new Set(corpusLemmas());
    const fresh = new Set(newLemmaPool(20));
    expect(fresh.size).toBe(20);
    for (const l of fresh) expect(corpus.has(l)).toBe(false);
    expect(generateTraffic({ seed: 2, count: 2000 }).some((i) => !corpus.has(i.verb.lemma))).toBe(false);
    const withNew = generateTraffic({ seed: 2, count: 2000, newLemmas: 20 }).filter((i) => fresh.has(i.verb.lemma));
    expect(withNew.length).toBeGreaterThan(100);
  });

  it('refuses more new lemmas than it has', () => {
    expect(() => newLemmaPool(1000)).toThrow(/newLemmaPool/);
  });
});
