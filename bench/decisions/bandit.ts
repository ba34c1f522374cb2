// The bandit strategy simulated with the functions the gate's bandit service calls: every
// reallocation, `banditWeights` (Thompson sampling with an exploration floor) sets the arms'
// shares from the judged outcomes so far and `banditGuardrail` drops an arm whose error rate is
// significantly higher. Requests are split by the current shares, 30 % of answers judged.
// Reported: regret against always serving the best arm, the bad arm's share of traffic, and the
// guardrail's drops.
import { banditGuardrail, banditWeights } from '@lynx/gate';
import { seededRng, type Rng } from './rng';
import type { DecisionSection, SectionRunner } from './section';

const RATES = [200, 1000, 5000];
const JUDGED = 0.3;
const MINUTES = 30;
const INTERVAL = 2; // minutes between reallocations
const FLOOR = 0.05;
const DRAWS = 500; // posterior draws per reallocation (the service uses 2 000; 500 keeps the bench quick)

interface Scenario {
  name: string;
  pass: number[];
  error: number[];
}

const SCENARIOS: Scenario[] = [
  { name: 'two arms, pass 0.85 vs 0.75', pass: [0.85, 0.75], error: [0.01, 0.01] },
  { name: 'three arms, pass 0.85 / 0.80 / 0.70', pass: [0.85, 0.8, 0.7], error: [0.01, 0.01, 0.01] },
  { name: 'two arms, error rate 1 % vs 5 % (5×)', pass: [0.85, 0.85], error: [0.01, 0.05] },
  { name: 'two equal arms (pass 0.85, errors 1 %)', pass: [0.85, 0.85], error: [0.01, 0.01] },
];

interface TrialResult {
  regret: number;
  uniformRegret: number;
  /** share of all requests served by the last arm (the worst, or the erring one) */
  badShare: number;
  badShareLastThird: number;
  droppedBad: boolean;
  droppedAny: boolean;
  dropMinute: number | null;
}

/** A binomial draw that is 0 for n = 0 or p = 0 (stdlib's sampler answers NaN there). */
const bin = (rng: Rng, n: number, p: number) => (n > 0 && p > 0 ? (p >= 1 ? n : rng.binomial(n, p)) : 0);

/** Splits n requests by shares with sequential binomials (a multinomial draw). */
function split(rng: Rng, n: number, shares: number[]): number[] {
  const out: number[] = [];
  let left = n;
  let mass = 1;
  for (let i = 0; i < shares.length; i++) {
    const k = i === shares.length - 1 ? left : mass > 0 ? bin(rng, left, shares[i] / mass) : 0;
    out.push(k);
    left -= k;
    mass -= shares[i];
  }
  return out;
}

function trial(rng: Rng, rate: number, s: Scenario): TrialResult {
  const k = s.pass.length;
  const ok = new Array<number>(k).fill(0);
  const bad = new Array<number>(k).fill(0);
  const requests = new Array<number>(k).fill(0);
  const errors = new Array<number>(k).fill(0);
  const live = new Array<boolean>(k).fill(true);
  let shares = new Array<number>(k).fill(1 / k);
  const best = Math.max(...s.pass.map((p, i) => p * (1 - s.error[i])));
  const value = s.pass.map((p, i) => p * (1 - s.error[i]));
  let regret = 0;
  let total = 0;
  let lastBad = 0;
  let lastTotal = 0;
  let dropMinute: number | null = null;
  const last = k - 1;
  for (let minute = 1; minute <= MINUTES; minute++) {
    const served = split(rng, rate, shares);
    for (let i = 0; i < k; i++) {
      const n = served[i];
      if (n === 0) continue;
      const errs = bin(rng, n, s.error[i]);
      const judged = bin(rng, n - errs, JUDGED);
      const passed = bin(rng, judged, s.pass[i]);
      // An error is judged a failure when it is judged at all.
      const judgedErrs = bin(rng, errs, JUDGED);
      ok[i] += passed;
      bad[i] += judged - passed + judgedErrs;
      requests[i] += n;
      errors[i] += errs;
      regret += n * (best - value[i]);
    }
    total += rate;
    if (minute > (2 * MINUTES) / 3) {
      lastBad += served[last];
      lastTotal += rate;
    }
    if (minute % INTERVAL !== 0) continue;
    const liveIdx = live.flatMap((l, i) => (l ? [i] : []));
    const guard = banditGuardrail(liveIdx.map((i) => ({ name: String(i), requests: requests[i], errors: errors[i] })));
    for (const g of guard) {
      if (g.drop && liveIdx.length > 1) {
        live[Number(g.name)] = false;
        dropMinute ??= minute;
      }
    }
    const still = live.flatMap((l, i) => (l ? [i] : []));
    const w = banditWeights(still.map((i) => ({ name: String(i), successes: ok[i], failures: bad[i] })), { floor: FLOOR, draws: DRAWS, random: rng.uniform });
    shares = new Array<number>(k).fill(0);
    still.forEach((i, j) => (shares[i] = w[j]));
  }
  const uniformRegret = value.reduce((acc, v) => acc + (best - v), 0) / k;
  return {
    regret: regret / total,
    uniformRegret,
    badShare: requests[last] / total,
    badShareLastThird: lastBad / lastTotal,
    droppedBad: !live[last],
    droppedAny: live.some((l) => !l),
    dropMinute,
  };
}

export const runBandit: SectionRunner = ({ trials, seed, progress }) => {
  const rng = seededRng(seed + 17);
  const rows: DecisionSection['rows'] = [];
  const targets: DecisionSection['targets'] = [];
  const total = RATES.length * SCENARIOS.length * trials;
  let done = 0;
  for (const rate of RATES) {
    for (const s of SCENARIOS) {
      let regret = 0;
      let uniform = 0;
      let share = 0;
      let shareLast = 0;
      let droppedBad = 0;
      let droppedAny = 0;
      let dropMinutes = 0;
      for (let i = 0; i < trials; i++) {
        const r = trial(rng, rate, s);
        regret += r.regret;
        uniform = r.uniformRegret;
        share += r.badShare;
        shareLast += r.badShareLastThird;
        if (r.droppedBad) droppedBad++;
        if (r.droppedAny) droppedAny++;
        if (r.dropMinute !== null) dropMinutes += r.dropMinute;
        if (++done % 200 === 0) progress?.(done, total);
      }
      const row = {
        'req/min': rate,
        scenario: s.name,
        trials,
        'regret (pp of passes)': (100 * regret) / trials,
        'uniform split regret (pp)': 100 * uniform,
        'last arm share': share / trials,
        'last arm share, last 10 min': shareLast / trials,
        'guardrail drops (any arm)': droppedAny / trials,
        'mean minute of drop': droppedAny ? dropMinutes / droppedAny : '-',
      };
      rows.push(row);
      const worse = s.pass[s.pass.length - 1] < s.pass[0];
      if (worse) {
        targets.push({ name: `bandit regret below a uniform split, ${s.name}, ${rate} req/min`, value: regret / trials, target: `< ${uniform.toFixed(4)}`, met: regret / trials < uniform });
        const lastShare = shareLast / trials;
        targets.push({ name: `bad arm's share in the last 10 min, ${s.name}, ${rate} req/min`, value: lastShare, target: `<= ${(FLOOR + 0.05).toFixed(2)} (floor ${FLOOR} + 0.05)`, met: lastShare <= FLOOR + 0.05 });
      } else if (s.error[s.error.length - 1] > s.error[0]) {
        targets.push({ name: `5× error-rate arm dropped within ${MINUTES} min, ${rate} req/min`, value: droppedBad / trials, target: '>= 0.99', met: droppedBad / trials >= 0.99 });
      } else {
        targets.push({ name: `guardrail false drop (equal arms), ${rate} req/min`, value: droppedAny / trials, target: '<= 0.01', met: droppedAny / trials <= 0.01 });
      }
    }
  }
  return {
    title: 'Bandit: Thompson sampling with a floor, error-rate guardrail',
    rows,
    targets,
    notes: [
      `${trials} seeded trials per row (seed ${seed} + 17); ${MINUTES} simulated minutes, reallocation every ${INTERVAL} min, floor ${FLOOR}, ${DRAWS} posterior draws, ${JUDGED * 100} % of answers judged; an answer that errored counts as failed when judged.`,
      'Regret: passes lost per request against always serving the best arm (pass rate × (1 − error rate)), in percentage points; a uniform split loses the mean gap.',
      '"last arm" is the worst arm (scenarios 1–3) or one of two equal arms (scenario 4, so ~0.5 is expected there).',
      'Guardrail: one-sided pooled two-proportion z-test of each arm’s error rate against the other live arms, Bonferroni α = 0.001 / k, rise ≥ 1 pp, ≥ 50 requests each; re-run at every reallocation.',
    ],
  };
};
