// The performance retrain trigger over seeded windows of judged answers: how often it fires on a
// version that has not dropped past the allowed margin (false alarm) and on one that has (power).
import { binomialCdf } from '@lynx/math';
import { exactCriticalCount, performanceMinJudged, performanceTrigger } from '@lynx/gate';
import { seededRng } from './rng';
import type { DecisionSection, SectionRunner } from './section';

const GATE_ACCURACY = 0.92;
const MAX_DROP = 0.05;
const ALPHA = 0.01;

export const runTriggers: SectionRunner = ({ trials, seed, progress }) => {
  const rng = seededRng(seed);
  const MIN_JUDGED = performanceMinJudged({ gateAccuracy: GATE_ACCURACY, maxDrop: MAX_DROP, alpha: ALPHA, power: 0.95, effect: 0.05 });
  // Judged answers per window with 30 % judged: 3 600 = 200 req/min for an hour, 18 000 = 1 000
  // req/min for an hour or 5 000 req/min for 12 minutes; 150 (under the minimum) for contrast.
  const windows = [150, MIN_JUDGED, 3600, 18000];
  const scenarios = [
    { name: 'no drop (live = gate)', rate: GATE_ACCURACY, shouldFire: false },
    { name: 'drop = allowed (live = gate − 5 pp)', rate: GATE_ACCURACY - MAX_DROP, shouldFire: false },
    { name: 'drop 10 pp (5 pp past allowed)', rate: GATE_ACCURACY - MAX_DROP - 0.05, shouldFire: true },
  ];
  const rows: DecisionSection['rows'] = [];
  let worstFalse = 0;
  let worstPower = 1;
  let done = 0;
  for (const s of scenarios) {
    for (const n of windows) {
      let fired = 0;
      for (let t = 0; t < trials; t++) {
        const passed = rng.binomial(n, s.rate);
        if (performanceTrigger({ judged: n, passed, gateAccuracy: GATE_ACCURACY, maxDrop: MAX_DROP, alpha: ALPHA, minJudged: MIN_JUDGED }).decision === 'fire') fired++;
      }
      const rate = fired / trials;
      const decides = n >= MIN_JUDGED;
      // The exact probability of firing: P(X <= k*) under the scenario's rate.
      const k = exactCriticalCount(n, GATE_ACCURACY - MAX_DROP, ALPHA);
      const exact = decides && k >= 0 ? binomialCdf(k, n, s.rate) : 0;
      rows.push({ scenario: s.name, judged: n, decides: decides ? 'yes' : 'insufficient_data', 'fired (simulated)': rate, 'fired (exact)': exact });
      if (!decides) continue;
      if (s.shouldFire) worstPower = Math.min(worstPower, rate);
      else worstFalse = Math.max(worstFalse, exact);
      progress?.(++done, scenarios.length * windows.length);
    }
  }
  return {
    title: 'Retrain trigger: performance (one-sided exact binomial test, per window)',
    rows,
    targets: [
      { name: 'false alarms per window (exact), worst over windows >= minimum, drop <= allowed', value: worstFalse, target: `<= ${ALPHA}`, met: worstFalse <= ALPHA },
      { name: 'fires on a drop 5 pp past the allowed one (simulated), worst over windows >= minimum', value: worstPower, target: '>= 0.95', met: worstPower >= 0.95 },
    ],
    notes: [
      `${trials} trials per cell, seed ${seed}; gate accuracy ${GATE_ACCURACY}, allowed drop ${MAX_DROP * 100} pp, alpha ${ALPHA}`,
      `minimum ${MIN_JUDGED} judged = performanceMinJudged(power 0.95 for a live rate 5 pp past the allowed drop); smaller windows are insufficient_data (150 shown for contrast)`,
      'the false-alarm target uses the exact probability (binomial CDF at the critical count) because a 1 000-trial simulation of a 1 % event has a standard error of 0.3 pp',
      'each window is tested on its own judged answers (no accumulation across windows), so repeated windows do not inflate the per-window false-alarm rate',
    ],
  };
};
