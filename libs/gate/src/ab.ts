import { groupSequentialBounds, groupSequentialDrift, sampleSizeTwoProportions, twoProportionZTest, wilsonInterval } from '@lynx/math';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { ValidationError } from '@lynx/schema';

// A/B as a group-sequential test: the horizon (judged answers per arm) is fixed when the plan
// starts and stored with it; looks happen at fixed fractions of it and spend α by Lan–DeMets
// O'Brien–Fleming, so looking again — re-running `lynx ab` — can never add a false ship.

export interface AbHorizonInput {
  /** Minimum detectable effect: absolute difference in pass rate. */
  mde: number;
  alpha?: number;
  power?: number;
  /** The control's expected pass rate; without it the horizon assumes the worst case (rates around 0.5). */
  baseline_rate?: number;
  /** Equally spaced looks; 20 = a look every 5 % of the horizon. */
  looks?: number;
}

export interface AbHorizon {
  mde: number;
  alpha: number;
  power: number;
  baseline_rate: number | null;
  looks: number;
  /** Judged answers per arm a single fixed-horizon z-test would need. */
  fixed_per_arm: number;
  /** Maximum sample size of the sequential design over the fixed one (Jennison & Turnbull §7.2). */
  inflation: number;
  /** The horizon: judged answers per arm at the last look. */
  per_arm: number;
}

const designCache = new Map<string, { bounds: number[]; inflation: number }>();

/** Bounds and inflation of the O'Brien–Fleming design with `looks` equal looks; computed once per process. */
function design(looks: number, alpha: number, power: number): { bounds: number[]; inflation: number } {
  const key = `${looks}/${alpha}/${power}`;
  let d = designCache.get(key);
  if (!d) {
    const t = Array.from({ length: looks }, (_, i) => (i + 1) / looks);
    const bounds = groupSequentialBounds(t, alpha);
    const fixed = normalQuantile(1 - alpha / 2, 0, 1) + normalQuantile(power, 0, 1);
    const inflation = (groupSequentialDrift(bounds, t, power) / fixed) ** 2;
    d = { bounds, inflation };
    designCache.set(key, d);
  }
  return d;
}

/**
 * The horizon of an A/B: per-arm judged answers for a two-sided two-proportion test of `mde`
 * at α and power (R power.prop.test), times the inflation of a group-sequential design with
 * `looks` equally spaced looks and O'Brien–Fleming-type α spending (Lan & DeMets 1983;
 * O'Brien & Fleming 1979), so the sequential test keeps the stated power at the MDE.
 */
export function abHorizon(input: AbHorizonInput): AbHorizon {
  const mde = input.mde;
  const alpha = input.alpha ?? 0.05;
  const power = input.power ?? 0.8;
  const looks = input.looks ?? 20;
  const base = input.baseline_rate;
  if (!(typeof mde === 'number' && mde > 0 && mde < 1)) throw new ValidationError(`mde must be in (0, 1), got ${String(mde)}`, { field: 'mde' });
  if (!(alpha > 0 && alpha < 0.5)) throw new ValidationError(`alpha must be in (0, 0.5), got ${alpha}`, { field: 'alpha' });
  if (!(power > 0.5 && power < 1)) throw new ValidationError(`power must be in (0.5, 1), got ${power}`, { field: 'power' });
  if (!(Number.isInteger(looks) && looks >= 1 && looks <= 50)) throw new ValidationError(`looks must be an integer from 1 to 50, got ${looks}`, { field: 'looks' });
  if (base !== undefined && !(base > 0 && base < 1)) throw new ValidationError(`baseline_rate must be in (0, 1), got ${base}`, { field: 'baseline_rate' });
  // Without a baseline, the rates that need the most data for this difference: centred on 0.5.
  const p1 = base ?? 0.5 - mde / 2;
  const p2 = base === undefined ? 0.5 + mde / 2 : p1 + mde <= 1 ? p1 + mde : p1 - mde;
  const fixed = Math.ceil(sampleSizeTwoProportions(p1, p2, alpha, power));
  const { inflation } = design(looks, alpha, power);
  return { mde, alpha, power, baseline_rate: base ?? null, looks, fixed_per_arm: fixed, inflation, per_arm: Math.ceil(fixed * inflation) };
}

/** Judged answers per arm at each look: ⌈k · per_arm / looks⌉. */
export function abLookSizes(h: AbHorizon): number[] {
  return Array.from({ length: h.looks }, (_, i) => Math.ceil(((i + 1) * h.per_arm) / h.looks));
}

/** The z bound of each look (symmetric, two-sided). */
export function abBounds(h: AbHorizon): number[] {
  return design(h.looks, h.alpha, h.power).bounds;
}

export interface AbCounts {
  n: number;
  passed: number;
}

/** Both arms' judged counts at one look, each exactly the look's size. */
export interface AbLook {
  control: AbCounts;
  treatment: AbCounts;
}

/**
 * The looks reached by two ordered streams of judged outcomes (true = passed): look k takes the
 * first n_k of each arm, so the same events always give the same looks, however often and
 * whenever the decision is re-run.
 */
export function abLooksFromOutcomes(h: AbHorizon, control: readonly boolean[], treatment: readonly boolean[]): AbLook[] {
  const looks: AbLook[] = [];
  const count = (xs: readonly boolean[], n: number) => {
    let p = 0;
    for (let i = 0; i < n; i++) if (xs[i]) p++;
    return p;
  };
  for (const n of abLookSizes(h)) {
    if (control.length < n || treatment.length < n) break;
    looks.push({ control: { n, passed: count(control, n) }, treatment: { n, passed: count(treatment, n) } });
  }
  return looks;
}

export type AbVerdict = 'ship' | 'stop' | 'inconclusive';

export interface AbLookResult {
  look: number;
  n: number;
  control_rate: number;
  treatment_rate: number;
  z: number;
  bound: number;
}

export interface AbArmSummary extends AbCounts {
  name: string;
  rate: number | null;
  ci_lower: number | null;
  ci_upper: number | null;
}

export interface AbDecision {
  verdict: AbVerdict;
  reason: string;
  horizon: AbHorizon;
  control: AbArmSummary;
  treatment: AbArmSummary;
  /** Judged answers per arm needed for the next look (null once decided). */
  next_look_at: number | null;
  looks: AbLookResult[];
}

const summary = (name: string, c: AbCounts): AbArmSummary => {
  const ci = c.n > 0 ? wilsonInterval(c.passed, c.n) : undefined;
  return { name, ...c, rate: c.n ? c.passed / c.n : null, ci_lower: ci?.lower ?? null, ci_upper: ci?.upper ?? null };
};

/**
 * The A/B decision at the looks reached so far. At look k, the pooled two-proportion z of
 * treatment vs control is compared with the O'Brien–Fleming bound c_k: z ≥ c_k ships the
 * treatment, z ≤ −c_k stops (the treatment is worse), and the last look without a crossing
 * stops too (no difference of the MDE's size: keep the control). Otherwise `inconclusive`,
 * with the judged counts and the size of the next look. A look whose sizes are not the
 * schedule's is refused: the bounds hold only at the planned information fractions.
 */
export function decideAb(
  h: AbHorizon,
  looks: readonly AbLook[],
  current: { control: AbCounts; treatment: AbCounts; names?: [string, string] } = looks[looks.length - 1] ?? { control: { n: 0, passed: 0 }, treatment: { n: 0, passed: 0 } },
): AbDecision {
  const sizes = abLookSizes(h);
  const bounds = abBounds(h);
  if (looks.length > sizes.length) throw new ValidationError(`${looks.length} looks given; the horizon has ${sizes.length}`);
  const [cName, tName] = current.names ?? ['control', 'treatment'];
  const base = { horizon: h, control: summary(cName, current.control), treatment: summary(tName, current.treatment) };
  const results: AbLookResult[] = [];
  for (let k = 0; k < looks.length; k++) {
    const { control, treatment } = looks[k];
    if (control.n !== sizes[k] || treatment.n !== sizes[k]) {
      throw new ValidationError(`look ${k + 1} must have ${sizes[k]} judged answers per arm, got ${control.n} and ${treatment.n}`, { look: k + 1, expected: sizes[k] });
    }
    const { z } = twoProportionZTest(treatment.passed, treatment.n, control.passed, control.n);
    const r: AbLookResult = { look: k + 1, n: sizes[k], control_rate: control.passed / control.n, treatment_rate: treatment.passed / treatment.n, z, bound: bounds[k] };
    results.push(r);
    const at = `look ${k + 1} of ${h.looks} (${sizes[k]} judged per arm)`;
    if (z >= bounds[k]) return { ...base, verdict: 'ship', reason: `${tName} passes more often: z = ${z.toFixed(3)} ≥ ${bounds[k].toFixed(3)} at ${at}`, next_look_at: null, looks: results };
    if (z <= -bounds[k]) return { ...base, verdict: 'stop', reason: `${tName} passes less often: z = ${z.toFixed(3)} ≤ −${bounds[k].toFixed(3)} at ${at}; keep ${cName}`, next_look_at: null, looks: results };
    if (k === sizes.length - 1) {
      return { ...base, verdict: 'stop', reason: `no difference of ${h.mde} at the horizon: |z| = ${Math.abs(z).toFixed(3)} < ${bounds[k].toFixed(3)} at ${at}; keep ${cName}`, next_look_at: null, looks: results };
    }
  }
  const next = sizes[looks.length];
  const judged = Math.min(current.control.n, current.treatment.n);
  return {
    ...base,
    verdict: 'inconclusive',
    reason: `inconclusive: ${judged} judged of ${h.per_arm} needed per arm; next look at ${next} per arm (${looks.length} of ${h.looks} looks taken)`,
    next_look_at: next,
    looks: results,
  };
}
