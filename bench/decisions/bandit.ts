// The bandit strategy simulated with the functions the gate's bandit service calls: every
// reallocation, `banditWeights` (Thompson sampling with an exploration floor) sets the arms'
// shares from the judged outcomes so far and `banditGuardrail` drops an arm whose error rate is
// significantly higher. Requests are split by the current shares, 30 % of answers judged.
// Reported: regret against always serving the best arm, the bad arm's share of traffic, and the
// guardrail's drops, for the always-valid guardrail and, side by side, the old per-look z-test.
import { banditGuardrail, banditWeights, type BanditErrorCounts } from '@lynx/gate';
import { oldBanditGuardrail } from './bandit-old-guardrail';
import { seededRng, type Rng } from './rng';
import { wilsonCi, type DecisionSection, type SectionRunner } from './section';

const RATES = [200, 1000, 5000];
const JUDGED = 0.3;
const MINUTES = 30;
const INTERVAL = 2; // minutes between reallocations
const FLOOR = 0.05;
const DRAWS = 500; // posterior draws per reallocation (the service uses 2 000; 500 keeps the bench quick)
const ALPHA = 0.01; // the guardrail's default: false-drop probability over the whole run

type Guardrail = (arms: readonly BanditErrorCounts[]) => Array<{ name: string; drop: boolean }>;
const RULES: Array<{ name: string; guard: Guardrail }> = [
  { name: 'always-valid', guard: (arms) => banditGuardrail(arms, { alpha: ALPHA }) },
  { name: 'old: z-test per look', guard: oldBanditGuardrail },
];

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

function trial(rng: Rng, rate: number, s: Scenario, guardrail: Guardrail): TrialResult {
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
    const guard = guardrail(liveIdx.map((i) => ({ name: String(i), requests: requests[i], errors: errors[i] })));
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
  const total = RATES.length * SCENARIOS.length * RULES.length * trials;
  let done = 0;
  for (const rate of RATES) {
    for (const s of SCENARIOS) {
      RULES.forEach((rule, ri) => {
        const n = trials;
        let regret = 0;
        let uniform = 0;
        let share = 0;
        let shareLast = 0;
        let droppedBad = 0;
        let droppedAny = 0;
        let dropMinutes = 0;
        for (let i = 0; i < n; i++) {
          const r = trial(rng, rate, s, rule.guard);
          regret += r.regret;
          uniform = r.uniformRegret;
          share += r.badShare;
          shareLast += r.badShareLastThird;
          if (r.droppedBad) droppedBad++;
          if (r.droppedAny) droppedAny++;
          if (r.dropMinute !== null) dropMinutes += r.dropMinute;
          if (++done % 200 === 0) progress?.(done, total);
        }
        rows.push({
          'req/min': rate,
          scenario: s.name,
          guardrail: rule.name,
          trials: n,
          'regret (pp of passes)': (100 * regret) / n,
          'uniform split regret (pp)': 100 * uniform,
          'last arm share': share / n,
          'last arm share, last 10 min': shareLast / n,
          'guardrail drops (any arm)': droppedAny / n,
          'drops 95 % CI': wilsonCi(droppedAny, n),
          'mean minute of drop': droppedAny ? dropMinutes / droppedAny : '-',
        });
        if (ri > 0) return; // the old rule is shown for comparison, not held to targets
        const worse = s.pass[s.pass.length - 1] < s.pass[0];
        const erring = s.error[s.error.length - 1] > s.error[0];
        if (worse) {
          targets.push({ name: `bandit regret below a uniform split, ${s.name}, ${rate} req/min`, value: regret / n, target: `< ${uniform.toFixed(4)}`, met: regret / n < uniform });
          const lastShare = shareLast / n;
          targets.push({ name: `bad arm's share in the last 10 min, ${s.name}, ${rate} req/min`, value: lastShare, target: `<= ${(FLOOR + 0.05).toFixed(2)} (floor ${FLOOR} + 0.05)`, met: lastShare <= FLOOR + 0.05 });
        }
        if (erring) {
          targets.push({ name: `5× error-rate arm dropped within ${MINUTES} min, ${rate} req/min`, value: droppedBad / n, target: '>= 0.95', met: droppedBad / n >= 0.95 });
        } else {
          // Every arm errs at 1 % here, so any drop is a false drop over the whole run.
          targets.push({ name: `guardrail false drop over the run (${s.name}), ${rate} req/min`, value: droppedAny / n, target: `<= ${ALPHA} (α)`, met: droppedAny / n <= ALPHA });
        }
      });
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
      `Always-valid guardrail: one-sided normal-mixture SPRT (τ = 0.02) on the pooled two-proportion score of each arm’s error rate against the other live arms, drop when Λ ≥ k/α, α = ${ALPHA} over the whole run, rise ≥ 1 pp, ≥ 50 requests each and ≥ 5 errors expected on the smaller side.`,
      'Old rule: one-sided pooled two-proportion z-test at Bonferroni 0.001 / k per look, same rise and request minimum; re-run at every reallocation with nothing spent for the repeated looks.',
      'All arms err at 1 % except the 5× arm, so any drop in the other scenarios is a false drop.',
    ],
  };
};
