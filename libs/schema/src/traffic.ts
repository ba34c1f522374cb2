import { z } from 'zod';
import { referenceSchema } from './common';
import { ALIASES } from './names';

// Traffic plans, one per logical model (PUT /v1/traffic/{model}); refs are registry references.

const percent = z.number().min(0).max(100);

export const singlePlanSchema = z.strictObject({
  strategy: z.literal('single'),
  /** Defaults to the production alias. */
  ref: referenceSchema.optional(),
});

export const abArmSchema = z.strictObject({
  ref: referenceSchema,
  weight: z.number().nonnegative(),
  name: z.string().min(1).max(64).optional(),
});

export const abPlanSchema = z
  .strictObject({
    strategy: z.literal('ab'),
    arms: z.array(abArmSchema).min(1).max(16),
  })
  .refine((p) => p.arms.reduce((s, a) => s + a.weight, 0) > 0, {
    message: 'arm weights must sum to a positive number',
    path: ['arms'],
  })
  .refine((p) => new Set(p.arms.map((a) => a.name ?? a.ref)).size === p.arms.length, {
    message: 'arms must be distinct',
    path: ['arms'],
  });

export const shadowPlanSchema = z.strictObject({
  strategy: z.literal('shadow'),
  primary: referenceSchema,
  shadow: referenceSchema,
  percent,
});

export const CANARY_STATUSES = ['progressing', 'paused', 'aborted', 'completed'] as const;

export const canaryPlanSchema = z.strictObject({
  strategy: z.literal('canary'),
  stable: referenceSchema,
  canary: referenceSchema,
  /** Share of traffic (0–100) sent to the canary. */
  weight: percent,
  status: z.enum(CANARY_STATUSES).optional(),
  steps: z.array(percent).optional(),
});

export const bluegreenPlanSchema = z.strictObject({
  strategy: z.literal('bluegreen'),
  active: referenceSchema,
  preview: referenceSchema,
});

export const trafficPlanSchema = z.discriminatedUnion('strategy', [
  singlePlanSchema,
  abPlanSchema,
  shadowPlanSchema,
  canaryPlanSchema,
  bluegreenPlanSchema,
]);
export type TrafficPlan = z.infer<typeof trafficPlanSchema>;
export type TrafficStrategy = TrafficPlan['strategy'];

/** Every ref a plan names; a `single` plan without a ref serves `production`. */
export function trafficPlanRefs(plan: TrafficPlan): string[] {
  switch (plan.strategy) {
    case 'single':
      return [plan.ref ?? ALIASES.production];
    case 'ab':
      return plan.arms.map((a) => a.ref);
    case 'shadow':
      return [plan.primary, plan.shadow];
    case 'canary':
      return [plan.stable, plan.canary];
    case 'bluegreen':
      return [plan.active, plan.preview];
  }
}
