import { binomialCdf } from '@lynx/math';

export type TriggerDecision = 'fire' | 'hold' | 'insufficient_data';

export interface PerformanceTriggerInput {
  /** Live answers judged (feedback or grader) since the version started serving. */
  judged: number;
  /** Of those, how many passed (accepted / graded correct). */
  passed: number;
  /** The version's accuracy at its gate evaluation. */
  gateAccuracy: number;
  /** How far below the gate accuracy counts as a real drop, e.g. 0.05 (5 pp). */
  maxDrop: number;
  /** One-sided significance level, e.g. 0.01. */
  alpha: number;
  /** Fewer judged answers → insufficient_data. */
  minJudged: number;
}

export interface PerformanceTriggerResult {
  decision: TriggerDecision;
  liveRate: number | null;
  /** gateAccuracy − maxDrop: the rate the live one must be significantly below. */
  bound: number;
  pValue: number | null;
  reason: string;
}

/**
 * The performance retrain trigger: fires when the live pass rate is significantly below the
 * version's gate accuracy by more than `maxDrop`. One-sided exact binomial test of
 * H0: p ≥ gateAccuracy − maxDrop against H1: p < gateAccuracy − maxDrop, p-value
 * P(X ≤ passed | judged, bound) (Clopper–Pearson's exact test; scipy.stats.binomtest(...,
 * alternative='less')). A live rate merely below the gate's by noise, or below it by less than
 * the allowed drop, never fires: the false-alarm rate is at most alpha at every sample size.
 */
export function performanceTrigger(input: PerformanceTriggerInput): PerformanceTriggerResult {
  const { judged, passed, gateAccuracy, maxDrop, alpha, minJudged } = input;
  if (!Number.isInteger(judged) || judged < 0 || !Number.isInteger(passed) || passed < 0 || passed > judged) {
    throw new RangeError(`performanceTrigger: need integers 0 <= passed <= judged, got passed ${String(passed)}, judged ${String(judged)}`);
  }
  if (!(gateAccuracy >= 0 && gateAccuracy <= 1)) throw new RangeError(`performanceTrigger: gateAccuracy must be in [0, 1], got ${String(gateAccuracy)}`);
  if (!(maxDrop >= 0 && maxDrop < 1)) throw new RangeError(`performanceTrigger: maxDrop must be in [0, 1), got ${String(maxDrop)}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`performanceTrigger: alpha must be in (0, 1), got ${String(alpha)}`);
  const bound = gateAccuracy - maxDrop;
  if (judged < minJudged) {
    return { decision: 'insufficient_data', liveRate: judged ? passed / judged : null, bound, pValue: null, reason: `${judged} judged answers < minimum ${minJudged}` };
  }
  const liveRate = passed / judged;
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  if (bound <= 0) return { decision: 'hold', liveRate, bound, pValue: 1, reason: `gate accuracy ${pct(gateAccuracy)} minus the allowed drop leaves nothing to fall below` };
  const pValue = binomialCdf(passed, judged, bound);
  const fire = pValue < alpha;
  return {
    decision: fire ? 'fire' : 'hold',
    liveRate,
    bound,
    pValue,
    reason: `live pass rate ${pct(liveRate)} over ${judged} judged vs gate ${pct(gateAccuracy)} − ${(maxDrop * 100).toFixed(1)} pp: one-sided p ${pValue.toPrecision(3)} ${fire ? '<' : '>='} ${alpha}`,
  };
}
