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
export const EVAL_SPEC = { seed: 2002, count: 3000, idPrefix: 'eval' } as const;
