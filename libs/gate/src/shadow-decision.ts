import { mcnemarTest, pairedSampleSize, wilsonInterval } from '@lynx/math';
import { ValidationError } from '@lynx/schema';

export type ShadowVerdict = 'shadow_better' | 'shadow_worse' | 'no_difference' | 'inconclusive';

/** The judged pairs of a shadow report: pairs where the judge decided both sides. */
export interface PairedJudgedCounts {
  /** n: judged pairs. */
  pairs: number;
  /** n10: primary right, shadow wrong. */
  primary_only: number;
  /** n01: primary wrong, shadow right. */
  shadow_only: number;
}

export interface ShadowDecision {
  verdict: ShadowVerdict;
  /** Judged pairs (both sides judged on the same request). */
  judged: number;
  /** Judged pairs the paired test needs for the difference reported (or the MDE, if smaller). */
  needed: number;
  /** shadow accuracy − primary accuracy over the judged pairs, (n01 − n10)/n; null with no judged pair. */
  difference: number | null;
  /** Two-sided McNemar mid-p; null with no judged pair. */
  p_value: number | null;
  headline: string;
  /** The test that decides: McNemar's mid-p test on the discordant pairs. */
  test: 'mcnemar_mid_p';
  /** n10: judged pairs where only the primary was right. */
  primary_only: number;
  /** n01: judged pairs where only the shadow was right. */
  shadow_only: number;
  /** The discordance that sized `needed`: the upper 95 % Wilson bound of (n10 + n01)/n, or the planning value. */
  discordance: number;
  /** (n10 + n01)/n as observed; null with no judged pair. */
  discordance_observed: number | null;
  /** Whether `discordance` is the conservative planning value (too few pairs to estimate it). */
  discordance_assumed: boolean;
}

/** Below this many judged pairs the discordance rate is not estimated but assumed. */
export const SHADOW_MIN_PAIRS_TO_ESTIMATE = 100;
/**
 * The planning discordance is the upper bound of its Wilson interval at this confidence, as a
 * pilot sample's upper confidence limit for a variance is used to size a trial (Browne 1995,
 * "On the use of a pilot sample for sample size determination", Statistics in Medicine 14,
 * 1933–1940), so that an underestimate does not cut the sample short.
 */
export const SHADOW_DISCORDANCE_CONFIDENCE = 0.95;
/**
 * The discordance assumed until it can be estimated: two sides that answer independently, each
 * right half the time, disagree on 2·0.5·0.5 = 0.5 of the pairs. Sides answering the same request
 * are positively correlated and disagree less, so this over-sizes M; with it M for 5 pp is 1568
 * pairs, the unpaired test's worst case (1569 judged per side at accuracies around 0.5).
 */
export const SHADOW_PLANNING_DISCORDANCE = 0.5;

const pp = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} pp`;

/**
 * Judged pairs needed by a two-sided paired test at α with the given power to detect a difference
 * `delta` when a share `discordance` of pairs disagree (Connor 1987, "Sample size for testing
 * differences in proportions for the paired-sample design", Biometrics 43, 207–211):
 * n = (z₁₋α/₂·√ψ + z₁₋β·√(ψ − δ²))² / δ². It is `pairedSampleSize` (Nam 1997) at Δ0 = 0, whose
 * restricted variance there is ψ. ψ cannot be below δ, so it is raised to δ.
 */
function pairsNeeded(delta: number, discordance: number, alpha: number, power: number): number {
  const psi = Math.min(1, Math.max(discordance, delta));
  return Math.ceil(pairedSampleSize((psi + delta) / 2, (psi - delta) / 2, 0, alpha / 2, power));
}

/**
 * What a shadow report may claim about accuracy. Both sides answer the same requests, so the
 * judged answers come in pairs and only the discordant pairs (n10: only the primary right, n01:
 * only the shadow right) say which side is better: the test is McNemar's (1947) on them, as the
 * two-sided mid-p (`mcnemarTest`; Fagerland, Lydersen & Laake 2013 recommend it: the exact
 * conditional test is too conservative, the asymptotic one exceeds α with few discordant pairs).
 *
 * The judged pairs needed, M, come from Connor's (1987) paired sample size for the difference the
 * report shows, or for `mde` when that difference is smaller (no report can tell apart less than
 * what it was sized for). The discordance ψ it needs is estimated conservatively from the pairs
 * once there are SHADOW_MIN_PAIRS_TO_ESTIMATE of them (the upper 95 % Wilson bound of
 * (n10 + n01)/n), and is SHADOW_PLANNING_DISCORDANCE (0.5) before.
 * Until n ≥ M the verdict is `inconclusive` and the headline says
 * "inconclusive: N judged pairs of M needed"; then the test at α decides shadow better, worse, or
 * no difference of the MDE's size.
 */
export function decideShadow(counts: PairedJudgedCounts, opts: { mde?: number; alpha?: number; power?: number } = {}): ShadowDecision {
  const mde = opts.mde ?? 0.05;
  const alpha = opts.alpha ?? 0.05;
  const power = opts.power ?? 0.8;
  if (!(mde > 0 && mde < 1)) throw new ValidationError(`decideShadow: mde must be in (0, 1), got ${mde}`, { field: 'mde' });
  const { pairs: n, primary_only: n10, shadow_only: n01 } = counts;
  for (const [name, v] of [['pairs', n], ['primary_only', n10], ['shadow_only', n01]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ValidationError(`decideShadow: ${name} must be a non-negative integer, got ${v}`, { field: name });
  }
  if (n10 + n01 > n) throw new ValidationError(`decideShadow: discordant pairs (${n10 + n01}) exceed the judged pairs (${n})`, { field: 'pairs' });
  const assumed = n < SHADOW_MIN_PAIRS_TO_ESTIMATE;
  // The upper bound, not the estimate: a low count of shadow-only pairs lowers both the estimated
  // discordance and the difference, so sizing by the estimate stops early exactly when the data
  // look worst for the shadow (2 000 trials simulated like bench/decisions: power 0.78 at φ 0.7,
  // short of the planned 0.80; with the bound bench/decisions measures 0.85–0.90).
  const discordance = assumed ? SHADOW_PLANNING_DISCORDANCE : wilsonInterval(n10 + n01, n, SHADOW_DISCORDANCE_CONFIDENCE).upper;
  const observed = n ? (n10 + n01) / n : null;
  const base = { test: 'mcnemar_mid_p' as const, judged: n, primary_only: n10, shadow_only: n01, discordance, discordance_observed: observed, discordance_assumed: assumed };
  if (n === 0) {
    const needed = pairsNeeded(mde, discordance, alpha, power);
    return { ...base, verdict: 'inconclusive', needed, difference: null, p_value: null, headline: `inconclusive: 0 judged pairs of ${needed} needed (no request judged on both sides yet)` };
  }
  const difference = (n01 - n10) / n;
  const needed = pairsNeeded(Math.max(Math.abs(difference), mde), discordance, alpha, power);
  const pValue = mcnemarTest(n10, n01).midP;
  const shown = `shadow ${pp(difference)}; discordant pairs: ${n01} only shadow right, ${n10} only primary right`;
  if (n < needed) {
    return { ...base, verdict: 'inconclusive', needed, difference, p_value: pValue, headline: `inconclusive: ${n} judged pairs of ${needed} needed; ${shown}` };
  }
  const tail = `${shown}; McNemar mid-p = ${pValue.toPrecision(3)}, ${n} judged pairs`;
  if (pValue < alpha) {
    const verdict = difference > 0 ? 'shadow_better' : 'shadow_worse';
    return { ...base, verdict, needed, difference, p_value: pValue, headline: `shadow ${difference > 0 ? 'more' : 'less'} accurate: ${tail}` };
  }
  return { ...base, verdict: 'no_difference', needed, difference, p_value: pValue, headline: `no difference of ${pp(mde).slice(1)} or more: ${tail}` };
}
