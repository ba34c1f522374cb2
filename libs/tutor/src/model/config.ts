export const VARIANTS = ['base', 'lora', 'int8', 'regressed'] as const;
export type Variant = (typeof VARIANTS)[number];

/** What a training run does; stored in the bundle's config.json. */
export interface TrainParams {
  variant: Variant;
  /** Picks the held-back dev split, so it changes the trained weights. */
  seed: number;
  /** Keep whole-word exceptions (irregular forms seen in the corpus). */
  memorise: boolean;
  /** A suffix rule needs this many distinct words showing it to be kept. */
  minSupport: number;
  /** Drop irregular past participles from the training examples. */
  dropIrregularParticiples: boolean;
  quantisation: 'none' | 'int8';
  /** Write only what the run adds over a parent bundle. */
  adapter: boolean;
  /** Share of the corpus held back to measure the run (dev metrics in run.json). */
  devShare: number;
}

const COMMON = { minSupport: 2, devShare: 0.1 } as const;

export const VARIANT_PARAMS: Record<Variant, Omit<TrainParams, 'seed'>> = {
  base: { ...COMMON, variant: 'base', memorise: false, dropIrregularParticiples: false, quantisation: 'none', adapter: false },
  lora: { ...COMMON, variant: 'lora', memorise: true, dropIrregularParticiples: false, quantisation: 'none', adapter: true },
  int8: { ...COMMON, variant: 'int8', memorise: true, dropIrregularParticiples: false, quantisation: 'int8', adapter: false },
  regressed: {
    ...COMMON, variant: 'regressed', memorise: true, dropIrregularParticiples: true, quantisation: 'none', adapter: false,
  },
};

export function isVariant(value: string): value is Variant {
  return (VARIANTS as readonly string[]).includes(value);
}
