// The shadow decision, simulated: both sides answer the same judged requests, so each request is a
// pair (primary right?, shadow right?) drawn from a joint table with the sides' accuracies and a
// within-pair correlation φ. `decideShadow` (McNemar mid-p on the first M pairs, M from Connor's
// paired sample size with an internal pilot) is asked after the pilot and again once M pairs are
// judged: its verdict is fixed from then on (the spec checks that later pairs never change it), so
// asking after every pair, as a user re-running `lynx report shadow` might, gives the same outcome.
// For contrast, the rule Lynx had before (pooled unpaired z-test, sized by power.prop.test on the
// observed rates) on the same answers: once at the n the paired rule decided at, and as a rule of
// its own re-run every LOOK_EVERY pairs (it had no fixed sample, so each re-run was a look).
import { SHADOW_PILOT_PAIRS, decideShadow, type JudgedPair } from '@lynx/gate';
import { sampleSizeTwoProportions, twoProportionZTest, wilsonInterval } from '@lynx/math';
import { seededRng, type Rng } from './rng';
import { wilsonCi, type DecisionSection, type SectionRunner } from './section';

const BASE = 0.8;
const MDE = 0.05;
const ALPHA = 0.05;
const LOOK_EVERY = 10;
const CORRELATIONS = [0.3, 0.5, 0.7];

interface Cells {
  both: number;
  primaryOnly: number;
  shadowOnly: number;
}

/** The joint table of two Bernoulli answers with accuracies p1, p2 and correlation φ. */
function jointTable(p1: number, p2: number, phi: number): Cells {
  const both = p1 * p2 + phi * Math.sqrt(p1 * (1 - p1) * p2 * (1 - p2));
  return { both, primaryOnly: p1 - both, shadowOnly: p2 - both };
}

/** Appends `k` pairs drawn from the table, and adds them to the counts. */
function draw(rng: Rng, k: number, t: Cells, c: Cells, pairs: JudgedPair[]): void {
  for (let i = 0; i < k; i++) {
    const u = rng.uniform();
    const p = u < t.both ? BOTH : u < t.both + t.primaryOnly ? PRIMARY_ONLY : u < t.both + t.primaryOnly + t.shadowOnly ? SHADOW_ONLY : NEITHER;
    pairs.push(p);
    if (p === BOTH) c.both++;
    else if (p === PRIMARY_ONLY) c.primaryOnly++;
    else if (p === SHADOW_ONLY) c.shadowOnly++;
  }
}

const BOTH: JudgedPair = { primary_ok: true, shadow_ok: true };
const PRIMARY_ONLY: JudgedPair = { primary_ok: true, shadow_ok: false };
const SHADOW_ONLY: JudgedPair = { primary_ok: false, shadow_ok: true };
const NEITHER: JudgedPair = { primary_ok: false, shadow_ok: false };

type Verdict = 'better' | 'worse' | 'none';

/** The old rule, as decideShadow was: unpaired sizing on the observed rates, then a pooled z-test. */
function oldRule(n: number, c: Cells): Verdict | 'inconclusive' {
  const p1 = (c.both + c.primaryOnly) / n;
  const p2 = (c.both + c.shadowOnly) / n;
  const target = Math.abs(p2 - p1) >= MDE ? p2 : p1 + MDE <= 1 ? p1 + MDE : p1 - MDE;
  if (n < Math.ceil(sampleSizeTwoProportions(p1, target, ALPHA, 0.8))) return 'inconclusive';
  return unpairedTest(n, c);
}

function unpairedTest(n: number, c: Cells): Verdict {
  const { z, pValue } = twoProportionZTest(c.both + c.shadowOnly, n, c.both + c.primaryOnly, n);
  return pValue < ALPHA ? (z > 0 ? 'better' : 'worse') : 'none';
}

interface Outcome {
  paired: Verdict;
  n: number;
  oldAtSameN: Verdict;
  old: Verdict;
  oldN: number;
}

function trial(rng: Rng, t: Cells): Outcome {
  const c: Cells = { both: 0, primaryOnly: 0, shadowOnly: 0 };
  const pairs: JudgedPair[] = [];
  let paired: { verdict: Verdict; n: number; oldAtSameN: Verdict } | undefined;
  let old: { verdict: Verdict; n: number } | undefined;
  // The next n at which the paired rule is asked: after the pilot, then at the M it answers.
  let ask = SHADOW_PILOT_PAIRS;
  for (let n = LOOK_EVERY; n < 1_000_000; n += LOOK_EVERY) {
    draw(rng, LOOK_EVERY, t, c, pairs);
    if (!paired && n >= ask) {
      const d = decideShadow(pairs, { mde: MDE, alpha: ALPHA });
      if (d.verdict !== 'inconclusive') {
        const verdict = d.verdict === 'shadow_better' ? 'better' : d.verdict === 'shadow_worse' ? 'worse' : 'none';
        paired = { verdict, n: d.needed, oldAtSameN: unpairedTest(d.needed, countsOf(pairs, d.needed)) };
      } else {
        ask = d.needed;
      }
    }
    if (!old) {
      const v = oldRule(n, c);
      if (v !== 'inconclusive') old = { verdict: v, n };
    }
    if (paired && old) return { paired: paired.verdict, n: paired.n, oldAtSameN: paired.oldAtSameN, old: old.verdict, oldN: old.n };
  }
  throw new Error('a shadow trial never decided');
}

function countsOf(pairs: readonly JudgedPair[], n: number): Cells {
  const c: Cells = { both: 0, primaryOnly: 0, shadowOnly: 0 };
  for (let i = 0; i < n; i++) {
    const p = pairs[i];
    if (p === BOTH) c.both++;
    else if (p === PRIMARY_ONLY) c.primaryOnly++;
    else if (p === SHADOW_ONLY) c.shadowOnly++;
  }
  return c;
}

export const runShadow: SectionRunner = ({ trials, seed, progress }) => {
  const rng = seededRng(seed + 29);
  const rows: DecisionSection['rows'] = [];
  const targets: DecisionSection['targets'] = [];
  const scenarios = [
    { name: `equal accuracy (${BASE} vs ${BASE})`, p2: BASE },
    { name: `shadow +MDE (${BASE} vs ${(BASE + MDE).toFixed(2)})`, p2: BASE + MDE },
  ];
  const total = CORRELATIONS.length * scenarios.length * trials;
  let done = 0;
  for (const phi of CORRELATIONS) {
    for (const s of scenarios) {
      const t = jointTable(BASE, s.p2, phi);
      const equal = s.p2 === BASE;
      // A "hit" is the claim each scenario is about: a false claim of better or worse when the
      // sides are equal, a correct "better" when the shadow is better by the MDE.
      const hit = (v: Verdict) => (equal ? v !== 'none' : v === 'better');
      let paired = 0;
      let oldSame = 0;
      let old = 0;
      let n = 0;
      let oldN = 0;
      for (let i = 0; i < trials; i++) {
        const o = trial(rng, t);
        if (hit(o.paired)) paired++;
        if (hit(o.oldAtSameN)) oldSame++;
        if (hit(o.old)) old++;
        n += o.n;
        oldN += o.oldN;
        if (++done % 200 === 0) progress?.(done, total);
      }
      rows.push({
        φ: phi,
        discordance: t.primaryOnly + t.shadowOnly,
        scenario: s.name,
        trials,
        rate: paired / trials,
        '95 % CI': wilsonCi(paired, trials),
        'mean pairs at verdict': n / trials,
        'old rule, same n': oldSame / trials,
        'old rule, own stop': old / trials,
        'old rule mean n': oldN / trials,
      });
      if (equal) {
        targets.push({ name: `shadow false better/worse, φ ${phi}`, value: paired / trials, target: `<= ${ALPHA} (not significantly above)`, met: wilsonInterval(paired, trials).lower <= ALPHA });
      } else {
        targets.push({ name: `shadow power at +MDE, φ ${phi}`, value: paired / trials, target: '>= 0.80 (not significantly below)', met: wilsonInterval(paired, trials).upper >= 0.8 });
        targets.push({ name: `paired power above the old rule's at the same n, φ ${phi}`, value: paired / trials - oldSame / trials, target: '> 0', met: paired > oldSame });
      }
    }
  }
  return {
    title: 'Shadow: McNemar mid-p on judged pairs, Connor sample size',
    rows,
    targets,
    notes: [
      `${trials} seeded trials per row (seed ${seed} + 29); primary accuracy ${BASE}, MDE ${MDE}, α ${ALPHA} two-sided, power 0.80.`,
      `Pairs drawn from the joint table of the two sides' answers with within-pair correlation φ (discordance = share of pairs where exactly one side is right); decideShadow tests the first M judged pairs once, M sized after a ${SHADOW_PILOT_PAIRS}-pair pilot; its verdict never changes after.`,
      'rate: with equal accuracy, the share of trials claiming better or worse (false); with the shadow +MDE, the share claiming better (power).',
      "One test on a fixed sample, so the mid-p test's size is α up to simulation noise (Fagerland et al. 2013 found it at or below α): the false-claim target counts as met unless its 95 % interval lies above α, power unless its interval lies below 0.80.",
      'old rule, same n: the pooled unpaired z-test on the same answers at the n where the paired rule gave its verdict; old rule, own stop: the previous decideShadow (sized by power.prop.test on the observed rates) re-run the same way.',
    ],
  };
};
