import type { TrafficPlan } from '@lynx/schema';
import { banditWeights } from './bandit-allocation';
import { banditGuardrail } from './bandit-guardrail';

export type BanditPlan = Extract<TrafficPlan, { strategy: 'bandit' }>;

export interface BanditArmStats {
  /** judged answers that passed / failed (grader or feedback) */
  successes: number;
  failures: number;
  requests: number;
  errors: number;
}

export interface BanditReallocation {
  plan: BanditPlan;
  /** false when no weight moved by `minChange` and no arm was dropped: nothing to write */
  changed: boolean;
  reason: string;
  dropped: string[];
}

const armName = (a: BanditPlan['arms'][number]) => a.name ?? a.ref;

/**
 * One reallocation of a bandit plan, pure: the guardrail (`banditGuardrail`) drops live arms whose
 * error rate is significantly higher than the others' (never the last live arm), then Thompson
 * sampling (`banditWeights`) sets the live arms' weights (percent, two decimals) with the plan's
 * floor. `stats` are per arm name; an arm without any counts has a uniform posterior. The reason
 * names each arm's weight and counts, for the plan's history and the audit.
 */
export function reallocateBandit(plan: BanditPlan, stats: Readonly<Record<string, BanditArmStats>>, opts: { random: () => number; now: Date; draws?: number; minChange?: number }): BanditReallocation {
  const floor = plan.floor ?? 0.05;
  const minChange = opts.minChange ?? 0.5;
  const zero: BanditArmStats = { successes: 0, failures: 0, requests: 0, errors: 0 };
  const of = (name: string) => stats[name] ?? zero;
  const live = plan.arms.filter((a) => !a.dropped);
  const guard = live.length > 1 ? banditGuardrail(live.map((a) => ({ name: armName(a), requests: of(armName(a)).requests, errors: of(armName(a)).errors }))) : [];
  const dropped: Record<string, string> = {};
  for (const g of guard) if (g.drop && Object.keys(dropped).length < live.length - 1) dropped[g.name] = g.reason;
  const still = live.filter((a) => !dropped[armName(a)]);
  const weights = banditWeights(
    still.map((a) => ({ name: armName(a), successes: of(armName(a)).successes, failures: of(armName(a)).failures })),
    { floor: Math.min(floor, 1 / still.length), random: opts.random, draws: opts.draws },
  );
  const next = new Map(still.map((a, i) => [armName(a), Math.round(weights[i] * 10_000) / 100]));
  const at = opts.now.toISOString();
  let changed = Object.keys(dropped).length > 0;
  const arms = plan.arms.map((a) => {
    const name = armName(a);
    if (dropped[name]) return { ...a, weight: 0, dropped: { reason: dropped[name], at } };
    const w = next.get(name);
    if (w === undefined) return a;
    if (Math.abs(w - a.weight) >= minChange) changed = true;
    return { ...a, weight: w };
  });
  const parts = arms.map((a) => {
    const s = of(armName(a));
    return `${armName(a)} ${a.dropped ? 'dropped' : `${a.weight} %`} (${s.successes}/${s.successes + s.failures} judged passed, ${s.errors}/${s.requests} errors)`;
  });
  const drops = Object.entries(dropped).map(([n, r]) => `; guardrail ${n}: ${r}`).join('');
  return { plan: { ...plan, arms }, changed, reason: `bandit reallocation (Thompson sampling, floor ${floor}): ${parts.join(', ')}${drops}`, dropped: Object.keys(dropped) };
}
