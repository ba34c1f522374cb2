import { countIntoBins, quantileBinEdges } from '@lynx/math';
import { mulberry32, type TutorItem } from '@lynx/tutor';
import { CATEGORICALS, PROFILED_SCALARS, SCALARS, sentenceFeatures, splitCategory, type Scalar } from '../features/features';

/** The reference a version's traffic is compared with: its training corpus, measured like traffic. */
export interface ReferenceProfile {
  model: string;
  digest: string;
  /** The lineage data entry the profile was built from. */
  data: { name: string; digest: string; uri?: string };
  items: number;
  built_at: string;
  /** feature → bucket → count. */
  categorical: Record<string, Record<string, number>>;
  /** Quantile bin edges of the corpus, the corpus's counts in them, and a sample for KS. */
  scalars: Partial<Record<Scalar, { edges: number[]; counts: number[]; sample: number[] }>>;
}

export const DEFAULT_BINS = 10;
export const REFERENCE_SAMPLE = 2000;

export interface BuildProfileInput {
  model: string;
  digest: string;
  data: ReferenceProfile['data'];
  items: readonly TutorItem[];
  bins?: number;
  now?: Date;
}

/** Builds the reference profile of a corpus; deterministic apart from built_at. */
export function buildProfile(input: BuildProfileInput): ReferenceProfile {
  if (input.items.length === 0) throw new RangeError('buildProfile: the corpus has no items');
  const categorical: ReferenceProfile['categorical'] = Object.fromEntries(CATEGORICALS.map((c) => [c, {}]));
  const values = PROFILED_SCALARS.map(() => [] as number[]);
  for (const item of input.items) {
    const f = sentenceFeatures(item.input, item.target);
    for (const field of f.categories) {
      const [feature, bucket] = splitCategory(field);
      categorical[feature][bucket] = (categorical[feature][bucket] ?? 0) + 1;
    }
    PROFILED_SCALARS.forEach((s, i) => values[i].push(f.scalars[SCALARS.indexOf(s)]));
  }
  const scalars: ReferenceProfile['scalars'] = {};
  PROFILED_SCALARS.forEach((s, i) => {
    const edges = quantileBinEdges(values[i], input.bins ?? DEFAULT_BINS);
    scalars[s] = { edges, counts: countIntoBins(values[i], edges), sample: sample(values[i], REFERENCE_SAMPLE) };
  });
  return {
    model: input.model,
    digest: input.digest,
    data: input.data,
    items: input.items.length,
    built_at: (input.now ?? new Date()).toISOString(),
    categorical,
    scalars,
  };
}

/** A seeded uniform sample without replacement (Fisher–Yates prefix). */
function sample(values: readonly number[], n: number): number[] {
  const copy = [...values];
  const random = mulberry32(7);
  const k = Math.min(n, copy.length);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, k);
}
