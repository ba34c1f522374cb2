import { ValidationError, type TrafficPlan } from '@lynx/schema';

export const PLAN_ACTIONS = ['pause', 'resume', 'abort', 'promote', 'switch'] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

/**
 * The plan an operator's control leads to, as Argo Rollouts' controls do: pause/resume/abort set a
 * canary's status (abort also sends all traffic back to stable), promote sends all traffic to the
 * canary (or to a blue/green preview), switch swaps blue/green's active and preview.
 */
export function planAfter(action: PlanAction, plan: TrafficPlan): TrafficPlan {
  const refuse = (why: string) => new ValidationError(`${action} does not apply to a ${plan.strategy} plan: ${why}`, { action, strategy: plan.strategy });
  switch (action) {
    case 'pause':
    case 'resume':
      if (plan.strategy !== 'canary') throw refuse('only a canary can be paused or resumed');
      return { ...plan, status: action === 'pause' ? 'paused' : 'progressing' };
    case 'abort':
      if (plan.strategy !== 'canary') throw refuse('only a canary can be aborted');
      return { ...plan, weight: 0, status: 'aborted' };
    case 'promote':
      if (plan.strategy === 'canary') return { strategy: 'single', ref: plan.canary };
      if (plan.strategy === 'bluegreen') return { strategy: 'single', ref: plan.preview };
      throw refuse('promote applies to a canary or a blue/green preview');
    case 'switch':
      if (plan.strategy !== 'bluegreen') throw refuse('only a blue/green plan has sides to switch');
      return { strategy: 'bluegreen', active: plan.preview, preview: plan.active };
  }
}
