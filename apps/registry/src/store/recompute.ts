import { decidePairedGate } from '@lynx/gate';
import type { BaselineRecord, ItemOutcome } from './registry-store';

/** What the registry keeps of its own recomputation, beside the verdict. */
export interface RecomputedDecision {
  verdict: 'pass' | 'fail' | 'inconclusive';
  /** Gating buckets that did not pass, with their own verdicts: what a refusal names. */
  not_passing: Array<{ bucket: string; verdict: string }>;
  baseline_digest: string;
}

/**
 * The gate decision recomputed by the registry from per-item outcomes, with the same pure paired
 * decision the gate service and the decisions benchmark call (@lynx/gate decidePairedGate), against
 * the registered baseline's outcomes, buckets, tolerance and alpha — never the verdict's own numbers.
 */
export function recomputeDecision(baseline: BaselineRecord, baselineItems: ItemOutcome[], candidate: ItemOutcome[]): RecomputedDecision {
  const decision = decidePairedGate({
    baseline: baselineItems,
    candidate,
    buckets: baseline.buckets.map((b) => ({ name: b.name, itemIds: b.item_ids, gating: b.gating })),
    tolerance: baseline.tolerance,
    alpha: baseline.alpha,
  });
  return {
    verdict: decision.verdict,
    not_passing: decision.buckets.filter((b) => b.gating && b.verdict !== 'pass').map((b) => ({ bucket: b.name, verdict: b.verdict })),
    baseline_digest: baseline.digest,
  };
}
