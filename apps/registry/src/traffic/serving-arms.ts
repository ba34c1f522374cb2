import type { TrafficPlan } from '@lynx/schema';

/** An arm of a plan that answers users, with the registry ref it names. */
export interface ServingArm {
  arm: string;
  ref: string;
}

/**
 * The arms of a plan that answer users and so must carry a passing gate verdict: canary (both
 * arms), A/B and bandit (every arm not dropped), blue/green (active and preview). Shadow answers nobody and `single`
 * moves only through the production alias; any other strategy lists its arms here as it is added.
 */
export function servingArms(plan: TrafficPlan): ServingArm[] {
  switch (plan.strategy) {
    case 'canary':
      return [
        { arm: 'stable', ref: plan.stable },
        { arm: 'canary', ref: plan.canary },
      ];
    case 'ab':
      return plan.arms.map((a) => ({ arm: a.name ?? a.ref, ref: a.ref }));
    case 'bandit':
      return plan.arms.filter((a) => !a.dropped).map((a) => ({ arm: a.name ?? a.ref, ref: a.ref }));
    case 'bluegreen':
      return [
        { arm: 'active', ref: plan.active },
        { arm: 'preview', ref: plan.preview },
      ];
    default:
      return [];
  }
}
