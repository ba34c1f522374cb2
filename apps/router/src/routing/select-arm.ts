import type { Arm, CompiledPlan } from './compiled-plan';
import { stableUnit } from './stable-hash';

export interface SelectContext {
  /** Hashed user id (OpenAI `user` or x-lynx-user); A/B is sticky on it. */
  userHash?: string;
  /** The request's x-lynx-arm header: `preview` asks a blue/green plan for its preview. */
  armHeader?: string;
  random: () => number;
}

export interface Selection {
  arm: Arm;
  /** Also send this request to the plan's shadow (after the primary answered). */
  mirror: boolean;
}

/** Picks the arm that answers a request. Pure: the plan, the request's user/header and a random source. */
export function selectArm(plan: CompiledPlan, ctx: SelectContext): Selection {
  const p = plan.plan;
  switch (p.strategy) {
    case 'single':
      return { arm: plan.stable, mirror: false };
    case 'ab':
    case 'bandit': {
      // Sticky per user: a user keeps an arm while the weights stay; a bandit's reallocation
      // moves only the users whose hash bucket changes hands.
      const u = ctx.userHash ? stableUnit(plan.model, ctx.userHash) : ctx.random();
      return { arm: weighted(plan.arms, u), mirror: false };
    }
    case 'canary':
      return { arm: weighted(plan.arms, ctx.random()), mirror: false };
    case 'shadow':
      return { arm: plan.stable, mirror: plan.shadow !== undefined && ctx.random() * 100 < plan.shadow.percent };
    case 'bluegreen': {
      const preview = ctx.armHeader === 'preview' ? plan.arms.find((a) => a.role === 'preview') : undefined;
      return { arm: preview ?? plan.stable, mirror: false };
    }
  }
}

/** The arm whose cumulative-weight bucket holds u ∈ [0, 1); arms of weight 0 are never chosen. */
export function weighted(arms: Arm[], u: number): Arm {
  const total = arms.reduce((s, a) => s + a.weight, 0);
  let x = u * total;
  let last = arms[0];
  for (const a of arms) {
    if (a.weight <= 0) continue;
    last = a;
    if (x < a.weight) return a;
    x -= a.weight;
  }
  return last;
}
