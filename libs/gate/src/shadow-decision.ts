import { mcnemarTest, pairedSampleSize, wilsonInterval } from '@lynx/math';
import { ValidationError } from '@lynx/schema';

export type ShadowVerdict = 'shadow_better' | 'shadow_worse' | 'no_difference' | 'inconclusive';

/** One request judged on both sides, in the order the pairs were judged. */
export interface JudgedPair {
  primary_ok: boolean;
  shadow_ok: boolean;
}

export interface ShadowDecision {
  verdict: ShadowVerdict;
  /** Judged pairs so far (both sides judged on the same request). */
  judged: number;
  /** Judged pairs the test is run on (M): fixed once the pilot is in, so later pairs never change a verdict. */
  needed: number;
  /** shadow accuracy − primary accuracy, (n01 − n10)/n over the pairs counted; null with no judged pair. */
  difference: number | null;
  /** Two-sided McNemar mid-p on the first M pairs; null until they are in. */
  p_value: number | null;
  headline: string;
  /** The test that decides: McNemar's mid-p test on the discordant pairs. */
  test: 'mcnemar_mid_p';
  /** n10 over the pairs counted (the first M, or all while fewer): only the primary right. */
  primary_only: number;
  /** n01 over the pairs counted: only the shadow right. */
  shadow_only: number;
  /** The discordance that sized M: the upper 95 % Wilson bound from the pilot, or the planning value. */
  discordance: number;
  /** (n10 + n01)/n over the pairs counted; null with no judged pair. */
  discordance_observed: number | null;
  /** Whether `discordance` is the planning value (the pilot is not in yet). */
  discordance_assumed: boolean;
}

/** The internal pilot: the first this many judged pairs estimate the discordance that sizes M. */
export const SHADOW_PILOT_PAIRS = 100;
/**
 * The planning discordance is the upper bound of the pilot's Wilson interval at this confidence,
 * as a pilot sample's upper confidence limit for a variance is used to size a trial (Browne 1995,
 * "On the use of a pilot sample for sample size determination", Statistics in Medicine 14,
 * 1933–1940), so that an underestimate does not cut the sample short.
 */
export const SHADOW_DISCORDANCE_CONFIDENCE = 0.95;
/**
 * The discordance assumed until the pilot is in: two sides that answer independently, each right
 * half the time, disagree on 2·0.5·0.5 = 0.5 of the pairs. Sides answering the same request are
 * positively correlated and disagree less, so this over-sizes M; with it M for 5 pp is 1568 pairs.
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

function discordant(pairs: readonly JudgedPair[], upTo: number): { n10: number; n01: number } {
  let n10 = 0;
  let n01 = 0;
  for (let i = 0; i < upTo; i++) {
    const p = pairs[i];
    if (p.primary_ok && !p.shadow_ok) n10++;
    else if (!p.primary_ok && p.shadow_ok) n01++;
  }
  return { n10, n01 };
}

/**
 * What a shadow report may claim about accuracy. Both sides answer the same requests, so the
 * judged answers come in pairs and only the discordant pairs (n10: only the primary right, n01:
 * only the shadow right) say which side is better: the test is McNemar's (1947) on them, as the
 * two-sided mid-p (`mcnemarTest`; Fagerland, Lydersen & Laake 2013 recommend it: the exact
 * conditional test is too conservative, the asymptotic one exceeds α with few discordant pairs).
 *
 * One test, on a sample fixed in advance, because a report is re-run whenever someone opens it:
 * M comes from Connor's (1987) paired sample size for the MDE, with the discordance ψ taken from an
 * internal pilot — the upper 95 % Wilson bound of the discordant share among the first
 * SHADOW_PILOT_PAIRS judged pairs (SHADOW_PLANNING_DISCORDANCE before they are in). The test is run
 * on exactly the first M judged pairs, in judged order: once taken it never changes, so re-running
 * the report adds no looks (as the A/B's looks use fixed prefixes). M is not shrunk for a large
 * observed difference: that would be a data-dependent early look, which measurably pushed false
 * claims above α (bench/decisions, shadow). Until M pairs are judged the verdict is `inconclusive`:
 * "inconclusive: N judged pairs of M needed".
 */
export function decideShadow(pairs: readonly JudgedPair[], opts: { mde?: number; alpha?: number; power?: number } = {}): ShadowDecision {
  const mde = opts.mde ?? 0.05;
  const alpha = opts.alpha ?? 0.05;
  const power = opts.power ?? 0.8;
  if (!(mde > 0 && mde < 1)) throw new ValidationError(`decideShadow: mde must be in (0, 1), got ${mde}`, { field: 'mde' });
  const judged = pairs.length;
  const assumed = judged < SHADOW_PILOT_PAIRS;
  let discordance = SHADOW_PLANNING_DISCORDANCE;
  if (!assumed) {
    const pilot = discordant(pairs, SHADOW_PILOT_PAIRS);
    discordance = wilsonInterval(pilot.n10 + pilot.n01, SHADOW_PILOT_PAIRS, SHADOW_DISCORDANCE_CONFIDENCE).upper;
  }
  const needed = Math.max(SHADOW_PILOT_PAIRS, pairsNeeded(mde, discordance, alpha, power));
  const counted = Math.min(judged, needed);
  const { n10, n01 } = discordant(pairs, counted);
  const base = {
    test: 'mcnemar_mid_p' as const,
    judged,
    needed,
    primary_only: n10,
    shadow_only: n01,
    discordance,
    discordance_observed: counted ? (n10 + n01) / counted : null,
    discordance_assumed: assumed,
  };
  if (judged === 0) {
    return { ...base, verdict: 'inconclusive', difference: null, p_value: null, headline: `inconclusive: 0 judged pairs of ${needed} needed (no request judged on both sides yet)` };
  }
  const difference = (n01 - n10) / counted;
  const shown = `shadow ${pp(difference)}; discordant pairs: ${n01} only shadow right, ${n10} only primary right`;
  if (judged < needed) {
    return { ...base, verdict: 'inconclusive', difference, p_value: null, headline: `inconclusive: ${judged} judged pairs of ${needed} needed; so far ${shown}` };
  }
  const pValue = mcnemarTest(n10, n01).midP;
  const tail = `${shown}; McNemar mid-p = ${pValue.toPrecision(3)} on the first ${needed} judged pairs`;
  if (pValue < alpha) {
    const verdict = difference > 0 ? 'shadow_better' : 'shadow_worse';
    return { ...base, verdict, difference, p_value: pValue, headline: `shadow ${difference > 0 ? 'more' : 'less'} accurate: ${tail}` };
  }
  return { ...base, verdict: 'no_difference', difference, p_value: pValue, headline: `no difference of ${pp(mde).slice(1)} or more: ${tail}` };
}
