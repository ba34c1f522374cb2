// The paired gate's input and output. Stable API: the registry recomputes verdicts with it, so
// fields are only ever added, never renamed or removed.

/** One eval item's outcome for one model: did it get the item right. */
export interface ItemOutcome {
  id: string;
  correct: boolean;
}

/** A bucket of the eval set: its items, and whether it gates promotion or is only reported. */
export interface GateBucketSpec {
  name: string;
  itemIds: string[];
  gating: boolean;
}

export interface PairedGateInput {
  /** The baseline model's outcome on every item of the eval set. */
  baseline: ItemOutcome[];
  /** The candidate's outcome on the same items (exactly the baseline's ids, any order). */
  candidate: ItemOutcome[];
  buckets: GateBucketSpec[];
  /** Largest accepted drop in a bucket's accuracy, as a fraction (0.03 = 3 percentage points). */
  tolerance: number;
  /** One-sided level of each bucket's lower bound (the pass side); GATE_PASS_ALPHA unless a baseline says otherwise. */
  alpha: number;
  /** Family-wise level of the fail side, split evenly (Bonferroni) over the gating buckets; default GATE_FAIL_ALPHA. */
  failAlpha?: number;
}

export type BucketVerdict = 'pass' | 'fail' | 'inconclusive';

/** A bucket's paired tally: what the decision needs from the per-item outcomes. */
export interface PairedBucketCounts {
  name: string;
  gating: boolean;
  n: number;
  baselineCorrect: number;
  candidateCorrect: number;
  b: number;
  c: number;
}

export interface PairedBucketResult {
  name: string;
  gating: boolean;
  /** Items in the bucket (pairs). */
  n: number;
  baselineCorrect: number;
  candidateCorrect: number;
  baselineAccuracy: number;
  candidateAccuracy: number;
  /** Discordant pairs: baseline right and candidate wrong. */
  b: number;
  /** Discordant pairs: baseline wrong and candidate right. */
  c: number;
  /** candidate − baseline accuracy = (c − b) / n. */
  diff: number;
  /** One-sided (1 − alpha) Tango score lower bound of candidate − baseline: pass when > −tolerance. */
  lower: number;
  /** One-sided (1 − failAlpha / gating buckets) upper bound: fail when < −tolerance. */
  upper: number;
  verdict: BucketVerdict;
}

export interface PairedGateDecision {
  /** pass only if every gating bucket passes; fail if any gating bucket fails; else inconclusive. */
  verdict: BucketVerdict;
  tolerance: number;
  alpha: number;
  failAlpha: number;
  /** failAlpha / number of gating buckets: the level of each `upper`. */
  failAlphaPerBucket: number;
  /** Every bucket, sorted by name (gating and report-only). */
  buckets: PairedBucketResult[];
  /** Names of the gating buckets that failed, sorted. */
  failing: string[];
  /** Names of the gating buckets that were inconclusive, sorted. */
  inconclusive: string[];
}
