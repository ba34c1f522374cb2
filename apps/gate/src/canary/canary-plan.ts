import type { TrafficPlan } from '@lynx/schema';

export type CanaryPlan = Extract<TrafficPlan, { strategy: 'canary' }>;

/** A canary plan the analysis runs on: not paused, and not already aborted or completed. */
export function isActiveCanary(plan: TrafficPlan): plan is CanaryPlan {
  return plan.strategy === 'canary' && plan.status !== 'aborted' && plan.status !== 'completed' && plan.status !== 'paused';
}

/** Why a plan is not one the analysis runs on, for logs and the analysis' recorded stop reason. */
export function notActiveBecause(plan: TrafficPlan | undefined): string {
  if (!plan) return 'the model has no traffic plan';
  if (plan.strategy !== 'canary') return `the plan is now ${plan.strategy}`;
  return `the canary plan is ${plan.status}`;
}
