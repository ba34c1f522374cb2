import { extractVerbFeatures, tokenize } from '@lynx/tutor';

// What the drift worker measures on each sentence. The same function runs on live events
// (input → the model's output) and on corpus items (input → target) for the reference
// profile, so both sides are measured alike.

// Bin index of a value for quantile edges, exactly as the profile's countIntoBins counted it.
export { binIndex } from '@lynx/math';

export const CATEGORICALS = ['lemma', 'tense', 'person'] as const;
export type Categorical = (typeof CATEGORICALS)[number];

/** latency_ms has no corpus reference: it is compared window over window only. */
export const SCALARS = ['input_tokens', 'output_tokens', 'edits', 'latency_ms'] as const;
export type Scalar = (typeof SCALARS)[number];
export const PROFILED_SCALARS: readonly Scalar[] = ['input_tokens', 'output_tokens', 'edits'];

/** Bucket used when a feature has no value (no verb found). */
export const NO_VALUE = '~none';
/** Bucket that absorbs new categories once a window holds the maximum number of categories. */
export const OTHER = '~other';

export interface SentenceFeatures {
  /** `lemma=go`, `tense=past_simple`, `person=3sg` (NO_VALUE when no verb was found). */
  categories: string[];
  /** In SCALARS order; latency_ms NaN when unknown (corpus). */
  scalars: number[];
  hasVerb: boolean;
}

/** Tokens that differ between the learner's sentence and the answer (position by position, plus any length change). */
export function countEdits(inputTokens: readonly string[], outputTokens: readonly string[]): number {
  const n = Math.min(inputTokens.length, outputTokens.length);
  let edits = Math.abs(inputTokens.length - outputTokens.length);
  for (let i = 0; i < n; i++) if (inputTokens[i] !== outputTokens[i]) edits++;
  return edits;
}

export function sentenceFeatures(input: string, output: string, latencyMs = Number.NaN): SentenceFeatures {
  const f = extractVerbFeatures(input);
  const verb = f.verbs[0];
  const inTokens = tokenize(input);
  const outTokens = tokenize(output);
  return {
    categories: verb
      ? [`lemma=${verb.lemma}`, `tense=${verb.tense}`, `person=${verb.person}`]
      : CATEGORICALS.map((c) => `${c}=${NO_VALUE}`),
    scalars: [inTokens.length, outTokens.length, countEdits(inTokens, outTokens), latencyMs],
    hasVerb: verb !== undefined,
  };
}

/** `lemma=go` → ['lemma', 'go']. */
export function splitCategory(field: string): [string, string] {
  const eq = field.indexOf('=');
  return [field.slice(0, eq), field.slice(eq + 1)];
}
