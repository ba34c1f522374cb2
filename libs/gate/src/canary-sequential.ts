import { obrienFlemingSpending, twoProportionZTest } from '@lynx/math';

/** What a group-sequential check keeps between looks. */
export interface SequentialState {
  /** Planned looks taken so far (looks = the design's K once the final look was taken). */
  looks: number;
  /** One-sided α spent so far (Lan–DeMets O'Brien–Fleming). */
  spent: number;
  /** Set once the final look found no harm: the check stays accepted for the rest of the stage. */
  accepted?: boolean;
}

export interface SequentialDesign {
  /** 'lower': harm is the canary's rate being lower (pass rate); 'higher': higher (error rate). */
  harm: 'lower' | 'higher';
  /** One-sided α of this check over the stage. */
  alpha: number;
  /** Planned looks K: a look is taken when the information fraction reaches k/K. */
  looks: number;
  /** Fisher information reached now and the one the power calculation asks for. */
  information: number;
  maxInformation: number;
}

export interface Proportions {
  canaryHits: number;
  canaryN: number;
  stableHits: number;
  stableN: number;
}

export type SequentialResult = 'collecting' | 'continue' | 'reject' | 'accept';

export interface SequentialLook {
  result: SequentialResult;
  /** Information fraction, capped at 1. */
  fraction: number;
  /** One-sided p-value of "the canary is worse" at this look; null when no look was taken. */
  pValue: number | null;
  /** The α this look could spend (reject when pValue < it); null when no look was taken. */
  boundary: number | null;
}

export const newSequentialState = (): SequentialState => ({ looks: 0, spent: 0 });

/**
 * One measurement of a one-sided group-sequential test of H0 "the canary is not worse" for a
 * proportion, with Lan–DeMets O'Brien–Fleming alpha spending (Lan & DeMets 1983). Looks are taken
 * when the information fraction reaches k/K; between looks, and before the first, the check is
 * `collecting` (inconclusive: hold). A look rejects when the pooled two-proportion z-test's
 * one-sided p-value is below the α this look may spend (α(t_k) − α(t_{k−1})): by the union bound
 * the stage's false-rejection rate stays ≤ α however the looks fall (a Bonferroni reading of the
 * spending function, slightly conservative against the exact recursive boundaries). The final
 * look (fraction 1, the power calculation's information) without rejection accepts.
 */
export function sequentialProportionLook(prev: SequentialState, x: Proportions, design: SequentialDesign): { state: SequentialState; look: SequentialLook } {
  const fraction = design.maxInformation > 0 ? Math.min(1, design.information / design.maxInformation) : 0;
  if (prev.accepted) return { state: prev, look: { result: 'accept', fraction, pValue: null, boundary: null } };
  const next = (prev.looks + 1) / design.looks;
  if ((fraction < next && fraction < 1) || x.canaryN === 0 || x.stableN === 0) {
    return { state: prev, look: { result: 'collecting', fraction, pValue: null, boundary: null } };
  }
  const cumulative = obrienFlemingSpending(fraction, design.alpha);
  const boundary = Math.max(0, cumulative - prev.spent);
  const { z, pValue: twoSided } = twoProportionZTest(x.canaryHits, x.canaryN, x.stableHits, x.stableN);
  const worse = design.harm === 'lower' ? z < 0 : z > 0;
  const pValue = worse ? twoSided / 2 : 1 - twoSided / 2;
  const final = fraction >= 1;
  const looks = final ? design.looks : Math.max(prev.looks + 1, Math.floor(fraction * design.looks + 1e-9));
  const result: SequentialResult = pValue < boundary ? 'reject' : final ? 'accept' : 'continue';
  return { state: { looks, spent: cumulative, ...(result === 'accept' ? { accepted: true } : {}) }, look: { result, fraction, pValue, boundary } };
}
