import { sampleSizeTwoProportions, twoProportionZTest } from '@lynx/math';

export type ShadowVerdict = 'shadow_better' | 'shadow_worse' | 'no_difference' | 'inconclusive';

export interface ShadowDecision {
  verdict: ShadowVerdict;
  /** Judged answers on the side with fewer. */
  judged: number;
  /** Judged answers per side a two-sided test needs for the difference reported (or the MDE, if smaller). */
  needed: number;
  /** shadow accuracy − primary accuracy, null until both sides have a judged answer. */
  difference: number | null;
  p_value: number | null;
  headline: string;
}

export interface JudgedCounts {
  graded: number;
  passed: number;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const pp = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} pp`;

/**
 * What a shadow report may claim about accuracy. The judged counts needed, M, come from a power
 * calculation (R power.prop.test; `sampleSizeTwoProportions`) for the difference the report
 * shows, or for `mde` when that difference is smaller (no report can tell apart less than
 * what it was sized for); with no judged answers, for `mde` around 0.5, the worst case. Until
 * both sides have M judged answers the verdict is `inconclusive` and the headline says
 * "inconclusive: N judged of M needed". Then a two-sided pooled two-proportion z-test at α
 * decides shadow better, worse, or no difference of the MDE's size. (Both sides answer the same
 * requests, so the pairs are positively correlated and this unpaired test is conservative.)
 */
export function decideShadow(primary: JudgedCounts, shadow: JudgedCounts, opts: { mde?: number; alpha?: number; power?: number } = {}): ShadowDecision {
  const mde = opts.mde ?? 0.05;
  const alpha = opts.alpha ?? 0.05;
  const power = opts.power ?? 0.8;
  if (!(mde > 0 && mde < 1)) throw new RangeError(`decideShadow: mde must be in (0, 1), got ${mde}`);
  const judged = Math.min(primary.graded, shadow.graded);
  if (primary.graded === 0 || shadow.graded === 0) {
    const needed = Math.ceil(sampleSizeTwoProportions(0.5 - mde / 2, 0.5 + mde / 2, alpha, power));
    return { verdict: 'inconclusive', judged, needed, difference: null, p_value: null, headline: `inconclusive: ${judged} judged of ${needed} needed (a side has no judged answers yet)` };
  }
  const p1 = primary.passed / primary.graded;
  const p2 = shadow.passed / shadow.graded;
  const difference = p2 - p1;
  const target = Math.abs(difference) >= mde ? p2 : p1 + mde <= 1 ? p1 + mde : p1 - mde;
  const needed = Math.ceil(sampleSizeTwoProportions(p1, target, alpha, power));
  const rates = `accuracy primary ${pct(p1)} vs shadow ${pct(p2)} (${pp(difference)})`;
  const { pValue } = twoProportionZTest(shadow.passed, shadow.graded, primary.passed, primary.graded);
  if (judged < needed) {
    return { verdict: 'inconclusive', judged, needed, difference, p_value: pValue, headline: `inconclusive: ${judged} judged of ${needed} needed; ${rates}` };
  }
  const p = `p = ${pValue.toPrecision(3)}, ${judged} judged per side`;
  if (pValue < alpha) {
    const verdict = difference > 0 ? 'shadow_better' : 'shadow_worse';
    return { verdict, judged, needed, difference, p_value: pValue, headline: `shadow ${difference > 0 ? 'more' : 'less'} accurate: ${rates}; ${p}` };
  }
  return { verdict: 'no_difference', judged, needed, difference, p_value: pValue, headline: `no difference of ${pp(mde).slice(1)} or more: ${rates}; ${p}` };
}
