import { pairedSampleSize, pairedScoreTestPower } from '@lynx/math';
import { ValidationError } from '@lynx/schema';
import { GATE_FAIL_ALPHA, GATE_PASS_ALPHA } from './constants';

/**
 * The discordance the power plan assumes: the share of items on which an unchanged candidate and
 * the baseline disagree (half each way). Retrained or quantised variants of the tutor disagree on
 * a few percent of items; 3 % is the middle of that range and, at a baseline accuracy near 0.97,
 * close to the most an equal candidate can disagree (it can only win back items the baseline
 * gets wrong).
 */
export const GATE_ASSUMED_DISCORDANCE = 0.03;
/** Probability that an unchanged candidate passes every gating bucket together. */
export const GATE_JOINT_PASS_POWER = 0.95;
/** Power at which the table states the smallest drop a bucket detects (fails). */
export const GATE_DETECT_POWER = 0.8;

export interface PowerOptions {
  tolerance: number;
  alpha?: number;
  failAlpha?: number;
  discordance?: number;
}

export interface BucketPower {
  name: string;
  n: number;
  gating: boolean;
  /** Items for an unchanged candidate to pass this bucket with power 1 − (1 − GATE_JOINT_PASS_POWER)/K. */
  needed: number;
  /** P(an unchanged candidate passes this bucket) at this n. */
  passPower: number;
  /** Smallest true drop (fraction) this bucket fails with power GATE_DETECT_POWER; null if none ≤ 1 − discordance. */
  detectableDrop: number | null;
}

export interface PowerTable {
  tolerance: number;
  alpha: number;
  failAlpha: number;
  discordance: number;
  /** Gating buckets K the plan was made for. */
  gatingCount: number;
  buckets: BucketPower[];
}

/** P(pass one bucket) for an unchanged candidate: the score test of H0: Δ ≤ −tol at Δ = 0. */
function passPower(n: number, o: Required<PowerOptions>): number {
  return pairedScoreTestPower(n, o.discordance / 2, o.discordance / 2, -o.tolerance, o.alpha);
}

/** Smallest drop δ > tol with P(fail) ≥ power: the mirrored score test of H0: Δ ≥ −tol, by bisection (power rises with δ). */
function detectableDrop(n: number, o: Required<PowerOptions>, failAlphaPerBucket: number): number | null {
  const half = o.discordance / 2;
  const power = (drop: number) => pairedScoreTestPower(n, half + drop, half, o.tolerance, failAlphaPerBucket);
  let lo = o.tolerance;
  let hi = 1 - o.discordance;
  if (power(hi) < GATE_DETECT_POWER) return null;
  while (hi - lo > 1e-6) {
    const mid = (lo + hi) / 2;
    if (power(mid) >= GATE_DETECT_POWER) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The power plan of an eval set: which buckets it can gate and what each can detect. A bucket
 * gates when it holds the items an unchanged candidate needs to pass it with power
 * 1 − 0.05/K (K gating buckets), so that such a candidate passes all K together ≥ 95 %
 * (Bonferroni on the power side). K depends on which buckets qualify, so the plan starts from
 * every bucket listed as a candidate and drops the unpowered ones until it is stable. The
 * numbers come from the score test's normal approximation (Nam 1997; @lynx/math
 * pairedScoreTestPower, pairedSampleSize); bench/decisions checks them by simulation.
 */
export function planGatePower(sizes: Record<string, number>, candidates: readonly string[], options: PowerOptions): PowerTable {
  const o: Required<PowerOptions> = {
    tolerance: options.tolerance,
    alpha: options.alpha ?? GATE_PASS_ALPHA,
    failAlpha: options.failAlpha ?? GATE_FAIL_ALPHA,
    discordance: options.discordance ?? GATE_ASSUMED_DISCORDANCE,
  };
  if (!(o.tolerance > 0 && o.tolerance < 0.5)) throw new ValidationError(`tolerance must be in (0, 0.5), got ${o.tolerance}`);
  if (!(o.discordance > 0 && o.discordance < 0.5)) throw new ValidationError(`discordance must be in (0, 0.5), got ${o.discordance}`);
  for (const [name, n] of Object.entries(sizes)) if (!Number.isInteger(n) || n < 1) throw new ValidationError(`bucket ${name} must have at least one item, got ${n}`);
  const candidateSet = new Set(candidates.filter((c) => sizes[c] !== undefined));
  let gating = new Set(candidateSet);
  let needed = 0;
  for (;;) {
    const k = Math.max(1, gating.size);
    needed = Math.ceil(pairedSampleSize(o.discordance / 2, o.discordance / 2, -o.tolerance, o.alpha, 1 - (1 - GATE_JOINT_PASS_POWER) / k));
    const next = new Set([...gating].filter((b) => sizes[b] >= needed));
    if (next.size === gating.size) break;
    gating = next;
  }
  const k = Math.max(1, gating.size);
  const buckets = Object.keys(sizes)
    .sort()
    .map((name): BucketPower => {
      const n = sizes[name];
      return { name, n, gating: gating.has(name), needed, passPower: passPower(n, o), detectableDrop: detectableDrop(n, o, o.failAlpha / k) };
    });
  return { ...o, gatingCount: gating.size, buckets };
}
