import { z } from 'zod';
import { referenceSchema } from './common';

// Traffic plans, one per logical model (PUT /v1/traffic/{model}); refs are registry references.

const percent = z.number().min(0).max(100);

export const singlePlanSchema = z.strictObject({
  strategy: z.literal('single'),
  /** Defaults to the production alias. */
  ref: referenceSchema.optional(),
});

/**
 * An arm's name goes out in the `x-lynx-arm` header of every answer, so it must be a header-safe
 * token: 1-64 ASCII letters, digits, `.`, `_`, `-` (no CR/LF, spaces or non-ASCII).
 */
export const ARM_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const armNameSchema = z.string().regex(ARM_NAME_RE, { message: 'expected 1-64 chars of A-Z a-z 0-9 . _ - starting with a letter or digit (sent as the x-lynx-arm header)' });

export const abArmSchema = z.strictObject({
  ref: referenceSchema,
  weight: z.number().nonnegative(),
  name: armNameSchema.optional(),
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
