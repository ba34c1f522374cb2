import { ALL_LEMMAS } from '../lexicon';

/**
 * Lemmas kept out of the training corpus and used only in the eval set, so the eval
 * measures generalisation: regular ones (the suffix rules must carry them) and irregular
 * ones (no model can know them from the corpus).
 */
export const HELD_OUT_LEMMAS = ['visit', 'carry', 'shop', 'fix', 'enjoy', 'dance', 'admit', 'swim', 'draw', 'lend'] as const;

export function corpusLemmas(): string[] {
  const held = new Set<string>(HELD_OUT_LEMMAS);
  return ALL_LEMMAS.filter((l) => !held.has(l));
}

/** How tools/data/generate.ts builds the committed data. */
export const CORPUS_SPEC = { seed: 1001, count: 6000, files: 2, idPrefix: 'train' } as const;
/**
 * The eval set: items drawn from a seeded pool until every tense, person, error type and the
 * verbs in gatedVerbs has minPerBucket items (data/eval-set.ts selectByQuota). minPerBucket is
 * what the deploy gate's power analysis asks for: an unchanged candidate that disagrees with the
 * baseline on 3 % of items passes a bucket at tolerance 0.02 (one-sided α 0.05) with power
 * 1 − 0.05/18 at 1 627 items (@lynx/math pairedSampleSize); 1 700 leaves a margin.
 */
export const EVAL_SPEC = { seed: 2002, pool: 60000, minPerBucket: 1700, gatedVerbs: ['be', 'go', 'have'], idPrefix: 'eval' } as const;
