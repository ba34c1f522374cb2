import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { generateItems } from '../generator/generate';
import { CORPUS_DIR, EVAL_SET_FILE } from '../testing';
import { readItems, toJsonl } from './io';
import { evalQuotaBuckets, generateEvalSet } from './eval-set';
import { CORPUS_SPEC, EVAL_SPEC, HELD_OUT_LEMMAS, corpusLemmas } from './generation';

describe('committed tutor data', () => {
  it('is what tools/data/generate.ts writes (nobody edited it by hand)', async () => {
    expect(await readFile(EVAL_SET_FILE, 'utf8')).toBe(toJsonl(generateEvalSet()));
    const corpus = generateItems({ seed: CORPUS_SPEC.seed, count: CORPUS_SPEC.count, lemmas: corpusLemmas(), idPrefix: CORPUS_SPEC.idPrefix });
    const files = (await readdir(CORPUS_DIR)).filter((f) => f.endsWith('.jsonl')).sort();
    const text = (await Promise.all(files.map((f) => readFile(join(CORPUS_DIR, f), 'utf8')))).join('');
    expect(text).toBe(toJsonl(corpus));
  });

  it('meets the eval-set size floors: every quota bucket has the items the gate needs', async () => {
    const counts = new Map<string, number>();
    for (const item of await readItems(EVAL_SET_FILE)) for (const b of item.buckets) counts.set(b, (counts.get(b) ?? 0) + 1);
    for (const b of evalQuotaBuckets()) expect([b, counts.get(b)]).toEqual([b, expect.any(Number)]);
    for (const b of evalQuotaBuckets()) expect(counts.get(b)).toBeGreaterThanOrEqual(EVAL_SPEC.minPerBucket);
    for (const t of ['present_simple', 'past_simple', 'past_participle', 'simple_future', 'infinitive']) {
      expect(counts.get(`tense.${t}`)).toBeGreaterThanOrEqual(240);
    }
    for (const p of ['1sg', '2sg', '3sg', '1pl', '2pl', '3pl']) expect(counts.get(`person.${p}`)).toBeGreaterThanOrEqual(400);
    expect(counts.get('verb.go')).toBeGreaterThanOrEqual(60);
    expect(counts.get('verb.be')).toBeGreaterThanOrEqual(60);
  });

  it('keeps the held-out lemmas out of the corpus and in the eval set', async () => {
    const held = new Set<string>(HELD_OUT_LEMMAS);
    expect((await readItems(CORPUS_DIR)).filter((i) => held.has(i.verb.lemma))).toEqual([]);
    const evalLemmas = new Set((await readItems(EVAL_SET_FILE)).map((i) => i.verb.lemma));
    for (const l of HELD_OUT_LEMMAS) expect(evalLemmas).toContain(l);
  });
});
