// The deploy gate's decision (@lynx/gate decidePairedGate) over simulated paired evaluations on
// the committed eval set: its real items and buckets, the baseline model's real outcomes
// (data/eval/baseline-outcomes.jsonl) and the baseline's gating list and levels.
//
// The paired model: on most items the candidate does what the baseline does; on a share of
// "unsettled" items (2 × the discordance, re-drawn each trial) both models are coin flips, so an
// unchanged candidate disagrees with the baseline on about GATE_ASSUMED_DISCORDANCE of items and
// is equal in expectation in every bucket. A regression breaks items the candidate would get
// right in one bucket with probability drop / accuracy (so its expected accuracy there falls by
// `drop`); an improvement fixes items it would get wrong.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type GateBucketSpec,
  type PairedBucketCounts,
  type PairedGateDecision,
  GATE_ASSUMED_DISCORDANCE,
  bucketSpecsFromItems,
  decideFromCounts,
  decidePairedGate,
  parseBaseline,
  parseItemOutcomes,
} from '@lynx/gate';
import type { EvalBaseline } from '@lynx/schema';
import type { TutorItem } from '@lynx/tutor';
import { type Rng, seededRng } from './rng';
import type { DecisionSection, SectionRunner, Target } from './section';

const ROOT = join(__dirname, '..', '..');

interface Fixture {
  baseline: EvalBaseline;
  ids: string[];
  /** baseline model's recorded outcome per item (index = position in ids) */
  recorded: Uint8Array;
  specs: GateBucketSpec[];
  /** item indices per bucket name */
  members: Map<string, number[]>;
}

function load(): Fixture {
  const baselinePath = join(ROOT, 'eval_baseline.json');
  const baseline = parseBaseline(readFileSync(baselinePath, 'utf8'));
  const items = readFileSync(join(ROOT, 'data', 'eval', 'grammar-eval.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TutorItem);
  const outcomes = new Map(parseItemOutcomes(readFileSync(join(ROOT, baseline.outcomes_path ?? 'data/eval/baseline-outcomes.jsonl'), 'utf8')).map((o) => [o.id, o.correct]));
  const ids = items.map((i) => i.id);
  const recorded = Uint8Array.from(ids, (id) => (outcomes.get(id) ? 1 : 0));
  const specs = bucketSpecsFromItems(items, baseline);
  const index = new Map(ids.map((id, i) => [id, i]));
  const members = new Map(specs.map((s) => [s.name, s.itemIds.map((id) => index.get(id) as number)]));
  return { baseline, ids, recorded, specs, members };
}

type Change = { kind: 'none' } | { kind: 'drop'; bucket: string | 'random'; drop: number } | { kind: 'better'; gain: number };

/** One simulated pair of evaluations: [baseline, candidate] outcome per item (1 right, 0 wrong). */
function simulate(f: Fixture, rng: Rng, change: Change, discordance: number, gating: string[]): [Uint8Array, Uint8Array] {
  const n = f.ids.length;
  const base = new Uint8Array(n);
  const cand = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (rng.uniform() < 2 * discordance) {
      base[i] = rng.uniform() < 0.5 ? 1 : 0;
      cand[i] = rng.uniform() < 0.5 ? 1 : 0;
    } else {
      base[i] = cand[i] = f.recorded[i];
    }
  }
  if (change.kind === 'drop') {
    const bucket = change.bucket === 'random' ? gating[Math.floor(rng.uniform() * gating.length)] : change.bucket;
    const idx = f.members.get(bucket) as number[];
    const acc = f.baseline.buckets[bucket].accuracy;
    const p = Math.min(1, change.drop / acc);
    for (const i of idx) if (cand[i] === 1 && rng.uniform() < p) cand[i] = 0;
  } else if (change.kind === 'better') {
    // Fix wrong items with the probability that lifts the overall accuracy by `gain` (capped at all of them).
    const overall = f.recorded.reduce((s, x) => s + x, 0) / n;
    const p = Math.min(1, change.gain / Math.max(1e-9, 1 - overall));
    for (let i = 0; i < n; i++) if (cand[i] === 0 && rng.uniform() < p) cand[i] = 1;
  }
  return [base, cand];
}

/** The per-bucket paired tallies decidePairedGate makes from per-item outcomes, from the index arrays directly. */
function tally(f: Fixture, base: Uint8Array, cand: Uint8Array): PairedBucketCounts[] {
  return f.specs.map((spec) => {
    const idx = f.members.get(spec.name) as number[];
    let baselineCorrect = 0;
    let candidateCorrect = 0;
    let b = 0;
    let c = 0;
    for (const i of idx) {
      baselineCorrect += base[i];
      candidateCorrect += cand[i];
      if (base[i] > cand[i]) b++;
      else if (cand[i] > base[i]) c++;
    }
    return { name: spec.name, gating: spec.gating, n: idx.length, baselineCorrect, candidateCorrect, b, c };
  });
}

/** The old rule, for contrast: every bucket's candidate accuracy ≥ the baseline's accuracy − tolerance (point estimates). */
function oldRulePasses(counts: PairedBucketCounts[], tolerance: number): boolean {
  return counts.every((k) => k.candidateCorrect / k.n >= k.baselineCorrect / k.n - tolerance - 1e-9);
}

const toOutcomes = (f: Fixture, xs: Uint8Array) => f.ids.map((id, i) => ({ id, correct: xs[i] === 1 }));

/** The first trials of every scenario also go through decidePairedGate on per-item outcomes: both paths must agree exactly. */
const CROSS_CHECKED = 20;

interface Tally {
  pass: number;
  fail: number;
  inconclusive: number;
  oldPass: number;
  trials: number;
}

export const gateSection: SectionRunner = ({ trials, seed, progress }) => {
  const f = load();
  const tol = f.baseline.tolerance_pp;
  const alpha = f.baseline.alpha as number;
  const failAlpha = f.baseline.fail_alpha as number;
  const discordance = f.baseline.discordance ?? GATE_ASSUMED_DISCORDANCE;
  const gating = f.specs.filter((s) => s.gating).map((s) => s.name);
  const rng = seededRng(seed);
  const pp = (x: number) => `${(x * 100).toFixed(0)} pp`;
  const scenarios: Array<{ name: string; change: Change }> = [
    { name: 'equal', change: { kind: 'none' } },
    { name: '2 pp better everywhere', change: { kind: 'better', gain: 0.02 } },
    ...gating.map((bucket) => ({ name: `drop ${pp(2 * tol)} in ${bucket}`, change: { kind: 'drop', bucket, drop: 2 * tol } as Change })),
    { name: `drop ${pp(2 * tol)} in a random gating bucket`, change: { kind: 'drop', bucket: 'random', drop: 2 * tol } },
    { name: `drop ${pp(tol)} (= tolerance) in a random gating bucket`, change: { kind: 'drop', bucket: 'random', drop: tol } },
  ];
  const total = scenarios.length * trials;
  const tallies = new Map<string, Tally>();
  let done = 0;
  for (const s of scenarios) {
    const t: Tally = { pass: 0, fail: 0, inconclusive: 0, oldPass: 0, trials };
    for (let k = 0; k < trials; k++) {
      const [base, cand] = simulate(f, rng, s.change, discordance, gating);
      const counts = tally(f, base, cand);
      const d = decideFromCounts(counts, { tolerance: tol, alpha, failAlpha });
      if (k < CROSS_CHECKED) {
        const full: PairedGateDecision = decidePairedGate({ baseline: toOutcomes(f, base), candidate: toOutcomes(f, cand), buckets: f.specs, tolerance: tol, alpha, failAlpha });
        if (JSON.stringify(full) !== JSON.stringify(d)) throw new Error(`decidePairedGate and decideFromCounts disagree in scenario ${s.name}, trial ${k}`);
      }
      t[d.verdict]++;
      if (oldRulePasses(counts, tol)) t.oldPass++;
      if (++done % 50 === 0) progress?.(done, total);
    }
    tallies.set(s.name, t);
  }
  const rate = (x: number, n: number) => x / n;
  const rows = scenarios.map((s) => {
    const t = tallies.get(s.name) as Tally;
    return { scenario: s.name, trials: t.trials, pass: rate(t.pass, t.trials), fail: rate(t.fail, t.trials), inconclusive: rate(t.inconclusive, t.trials), 'old rule pass': rate(t.oldPass, t.trials) };
  });
  const drops2 = scenarios.filter((s) => s.change.kind === 'drop' && s.change.drop === 2 * tol && s.change.bucket !== 'random').map((s) => tallies.get(s.name) as Tally);
  const worst = Math.max(...drops2.map((t) => t.pass / t.trials));
  const pooledPasses = drops2.reduce((s, t) => s + t.pass, 0);
  const pooledTrials = drops2.reduce((s, t) => s + t.trials, 0);
  const equal = tallies.get('equal') as Tally;
  const better = tallies.get(scenarios[1].name) as Tally;
  const targets: Target[] = [
    { name: `false promotion, one gating bucket ${2 * tol * 100} pp down (worst bucket)`, value: worst, target: '<= 0.001', met: worst <= 0.001 },
    { name: `false promotion, pooled over the ${drops2.length} gating buckets`, value: pooledPasses / pooledTrials, target: '<= 0.001', met: pooledPasses / pooledTrials <= 0.001 },
    { name: 'equal candidate passes', value: equal.pass / equal.trials, target: '>= 0.95', met: equal.pass / equal.trials >= 0.95 },
    { name: 'equal candidate fails', value: equal.fail / equal.trials, target: '<= 0.01', met: equal.fail / equal.trials <= 0.01 },
    { name: '2 pp better everywhere passes', value: better.pass / better.trials, target: '>= 0.99', met: better.pass / better.trials >= 0.99 },
  ];
  const notes = [
    `decidePairedGate (Tango score bounds; pass-side alpha ${alpha} per bucket, fail-side ${failAlpha} Bonferroni over ${gating.length} gating buckets), tolerance ${tol}`,
    `committed eval set: ${f.ids.length} items, ${f.specs.length} buckets (${gating.length} gating: ${gating.join(', ')})`,
    `paired model: unsettled items ${(2 * discordance * 100).toFixed(0)} % (both models coin flips there), so an unchanged candidate disagrees on ~${(discordance * 100).toFixed(0)} % of items; baseline outcomes elsewhere are the recorded ones`,
    `${trials} trials per scenario, seed ${seed}; 0 passes in ${pooledTrials} pooled 2x-tolerance trials bounds the rate below ${(3 / pooledTrials).toExponential(1)} (rule of three, 95 %) when none pass`,
    `"better everywhere" fixes wrong items with the probability that lifts overall accuracy by 2 pp, capped at all of them (the recorded baseline is ${(100 * (f.recorded.reduce((s, x) => s + x, 0) / f.ids.length)).toFixed(1)} % right; the coin-flip items bring simulated accuracies ~3 pp lower)`,
    `each trial is tallied per bucket and decided by decideFromCounts, the rule decidePairedGate applies after its own tally; the first ${CROSS_CHECKED} trials of every scenario also run decidePairedGate on per-item outcomes and must give the identical decision`,
    'old rule = the previous point-estimate comparison (candidate accuracy >= baseline accuracy - tolerance in every bucket, every bucket gating), on the same simulated data; on this larger eval set it is far less leaky than on the old 3 000 items, but it refuses equal candidates',
  ];
  const section: DecisionSection = { title: 'Decisions: the gate (paired, per bucket, three states)', rows, targets, notes };
  return section;
};
