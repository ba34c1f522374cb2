import type { Scalar } from '../features/features';

/** What one window holds for one (model, digest): bounded by buckets, bins and reservoir sizes. */
export interface WindowAggregate {
  windowId: string;
  model: string;
  digest: string;
  count: number;
  /** unknown_digest (no reference profile when counted), no_verb, error. */
  flags: Record<string, number>;
  /** feature → bucket → count. */
  categorical: Record<string, Record<string, number>>;
  /** Counts in the reference profile's bins (profiled scalars, events counted while a profile existed). */
  bins: Partial<Record<Scalar, number[]>>;
  /** Reservoir sample of each scalar (uniform over the window's events). */
  samples: Partial<Record<Scalar, number[]>>;
  /** Reservoir sample of input sentences (for retraining). */
  texts: string[];
}
