// Canary analysis over simulated traffic, through the same reducer the gate's analysis job runs
// (reduceCanary). Each minute one measurement: the router splits the minute's requests by the
// canary's weight, errors and judged answers (30 % of the answered ones) are drawn per arm, and a
// few latencies per arm. Scenarios: a good canary (same rates as stable), one whose pass rate is
// 10 pp lower, one with 5× the error rate.
import { type ArmMeasurement, type CanaryPolicy, DEFAULT_CANARY_POLICY, canaryStages, initialCanaryState, reduceCanary } from '@lynx/gate';
import { seededRng, type Rng } from './rng';
import type { DecisionSection, SectionRunner, Target } from './section';

const RATES = [200, 1000, 5000];
const JUDGED = 0.3;
const STABLE_PASS = 0.82;
const STABLE_ERRORS = 0.01;
const MAX_MINUTES = 24 * 60;
const LATENCIES_PER_ARM = 10;

interface Scenario {
  name: 'good' | 'pass rate −10 pp' | 'error rate 5×';
  pass: number;
  errors: number;
}
const SCENARIOS: Scenario[] = [
  { name: 'good', pass: STABLE_PASS, errors: STABLE_ERRORS },
  { name: 'pass rate −10 pp', pass: STABLE_PASS - 0.1, errors: STABLE_ERRORS },
  { name: 'error rate 5×', pass: STABLE_PASS, errors: 5 * STABLE_ERRORS },
];

function arm(rng: Rng, n: number, pass: number, errors: number): ArmMeasurement {
  const e = rng.binomial(n, errors);
  const graded = rng.binomial(n - e, JUDGED);
  const latencies = Array.from({ length: Math.min(n, LATENCIES_PER_ARM) }, () => Math.exp(rng.normal(Math.log(40), 0.3)));
  return { requests: n, errors: e, graded, passed: rng.binomial(graded, pass), latencies };
}

interface Trial {
  outcome: 'aborted' | 'completed' | 'held';
  /** Highest canary weight reached before the outcome. */
  maxWeight: number;
  /** Share of all requests the canary served until the outcome. */
  share: number;
  minutes: number;
  /** Judged canary answers when the first stage stepped (undefined when it never did). */
  judgedAtFirstStep?: number;
}

function trial(rng: Rng, perMinute: number, s: Scenario, policy: CanaryPolicy): Trial {
  const stages = canaryStages(policy.steps);
  let state = initialCanaryState(stages, stages[0].weight);
  let all = 0;
  let toCanary = 0;
  let maxWeight = state.weight;
  let judgedAtFirstStep: number | undefined;
  for (let minute = 1; minute <= MAX_MINUTES; minute++) {
    const nc = rng.binomial(perMinute, state.weight / 100);
    all += perMinute;
    toCanary += nc;
    const r = reduceCanary(state, { stable: arm(rng, perMinute - nc, STABLE_PASS, STABLE_ERRORS), canary: arm(rng, nc, s.pass, s.errors) }, policy, stages);
    if (r.decision.action === 'step' && judgedAtFirstStep === undefined) judgedAtFirstStep = r.decision.checks[0].canary_n;
    state = r.state;
    if (r.decision.action === 'abort') return { outcome: 'aborted', maxWeight, share: toCanary / all, minutes: minute, judgedAtFirstStep };
    if (r.decision.action === 'complete') return { outcome: 'completed', maxWeight, share: toCanary / all, minutes: minute, judgedAtFirstStep };
    maxWeight = Math.max(maxWeight, state.weight);
  }
  return { outcome: 'held', maxWeight, share: toCanary / all, minutes: MAX_MINUTES, judgedAtFirstStep };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);

export const runCanary: SectionRunner = ({ trials, seed, progress }) => {
  const policy = DEFAULT_CANARY_POLICY;
  const rows: DecisionSection['rows'] = [];
  const targets: Target[] = [];
  const total = RATES.length * SCENARIOS.length;
  let done = 0;
  let minJudged = Infinity;
  for (const perMinute of RATES) {
    for (const s of SCENARIOS) {
      const rng = seededRng(seed + perMinute * 10 + SCENARIOS.indexOf(s));
      const results = Array.from({ length: trials }, () => trial(rng, perMinute, s, policy));
      const aborted = results.filter((t) => t.outcome === 'aborted');
      const completed = results.filter((t) => t.outcome === 'completed');
      // The measure that counts: the share of all requests the canary answered before it was aborted.
      const abortedAtFirst = aborted.filter((t) => t.share <= 0.05);
      for (const t of results) if (t.judgedAtFirstStep !== undefined) minJudged = Math.min(minJudged, t.judgedAtFirstStep);
      rows.push({
        'req/min': perMinute,
        canary: s.name,
        aborted: aborted.length / trials,
        'aborted, ≤ 5 % of requests': abortedAtFirst.length / trials,
        completed: completed.length / trials,
        held: (trials - aborted.length - completed.length) / trials,
        'mean canary share': mean(results.map((t) => t.share)),
        'max canary share': Math.max(...results.map((t) => t.share)),
        'median minutes': median(results.map((t) => t.minutes)),
      });
      if (s.name === 'good') {
        targets.push({ name: `${perMinute} req/min good canary aborted`, value: aborted.length / trials, target: '<= 0.02', met: aborted.length / trials <= 0.02 });
        targets.push({ name: `${perMinute} req/min good canary completed`, value: completed.length / trials, target: '>= 0.95', met: completed.length / trials >= 0.95 });
      } else {
        const v = abortedAtFirst.length / trials;
        targets.push({ name: `${perMinute} req/min ${s.name} aborted before 5 % of all requests reached it`, value: v, target: '>= 0.99', met: v >= 0.99 });
      }
      progress?.(++done, total);
    }
  }
  return {
    title: 'Decisions: canary',
    rows,
    targets,
    notes: [
      `reduceCanary with DEFAULT_CANARY_POLICY: steps 4 → 25 → 50 % (2 measurements each), per stage one-sided group-sequential tests (pooled two-proportion z, Lan–DeMets O'Brien–Fleming spending, ${policy.looks} looks, α ${policy.alpha}, power ${policy.power}) on pass rate (−${policy.passRateDrop * 100} pp) and error rate (${policy.errorRateFactor}× of ${policy.baseErrorRate}), Mann–Whitney U on latency (α ${policy.latencyAlpha}).`,
      `one measurement per simulated minute, ${trials} trials per row, seed ${seed}; stable pass rate ${STABLE_PASS}, error rate ${STABLE_ERRORS}; ${JUDGED * 100} % of answered requests judged; a trial that neither aborts nor completes in ${MAX_MINUTES / 60} h counts as held.`,
      '"aborted, ≤ 5 % of requests": aborted while the canary had answered at most 5 % of all requests so far (counted, not expected: the split is random per request, so the first step is 4 %).',
      `fewest judged canary answers at a first step across all trials: ${minJudged === Infinity ? 'none stepped' : minJudged}.`,
    ],
  };
};
