import { z } from 'zod';
import { referenceSchema } from './common';

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

/**
 * One step of a canary, as in Argo Rollouts: set the canary's weight, or require this many
 * conclusive measurements at the current weight before the next step. A bare number is a
 * setWeight. Weights stay below 100: the last analysis needs stable traffic to compare with,
 * and its success completes the rollout (the plan becomes `single` on the canary).
 */
export const canaryStepSchema = z.union([
  z.number().gt(0).lt(100),
  z.strictObject({ setWeight: z.number().gt(0).lt(100) }),
  z.strictObject({ pause: z.strictObject({ measurements: z.number().int().min(1).max(1000) }) }),
]);
export type CanaryStep = z.infer<typeof canaryStepSchema>;

export const canaryPlanSchema = z.strictObject({
  strategy: z.literal('canary'),
  stable: referenceSchema,
  canary: referenceSchema,
  /** Share of traffic (0–100) sent to the canary. */
  weight: percent,
  status: z.enum(CANARY_STATUSES).optional(),
  steps: z.array(canaryStepSchema).max(32).optional(),
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
