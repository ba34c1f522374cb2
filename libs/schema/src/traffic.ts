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

/**
 * The A/B's horizon, fixed when the plan starts and stored with it: a client gives the design
 * (mde, alpha, power, baseline_rate, looks); the registry computes and fills the rest
 * (fixed_per_arm, inflation, per_arm, started_at), replacing any client value, and keeps it
 * unchanged while the same arms run.
 */
export const abHorizonSchema = z.strictObject({
  mde: z.number().gt(0).lt(1),
  alpha: z.number().gt(0).lt(0.5).optional(),
  power: z.number().gt(0.5).lt(1).optional(),
  baseline_rate: z.number().gt(0).lt(1).nullable().optional(),
  looks: z.number().int().min(1).max(50).optional(),
  fixed_per_arm: z.number().int().positive().optional(),
  inflation: z.number().positive().optional(),
  per_arm: z.number().int().positive().optional(),
  started_at: z.string().optional(),
});
export type AbHorizonSpec = z.infer<typeof abHorizonSchema>;

export const abPlanSchema = z
  .strictObject({
    strategy: z.literal('ab'),
    arms: z.array(abArmSchema).min(1).max(16),
    horizon: abHorizonSchema.optional(),
  })
  .refine((p) => !p.horizon || p.arms.length === 2, {
    message: 'a horizon tests two arms (control first, treatment second)',
    path: ['horizon'],
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

export const banditArmSchema = z.strictObject({
  ref: referenceSchema,
  /** The arm's current share, as the gate's last reallocation set it (any non-negative scale). */
  weight: z.number().nonnegative(),
  name: z.string().min(1).max(64).optional(),
  /** Set by the guardrail: the arm serves no traffic again until an operator re-adds it. */
  dropped: z.strictObject({ reason: z.string().min(1).max(500), at: z.string() }).optional(),
});

/**
 * Thompson sampling over arms (the gate reallocates `weight` from judged outcomes); the router
 * serves it as weighted arms, sticky per user. `floor` is the least share each live arm keeps.
 */
export const banditPlanSchema = z
  .strictObject({
    strategy: z.literal('bandit'),
    arms: z.array(banditArmSchema).min(2).max(16),
    floor: z.number().min(0).max(0.5).optional(),
    /** Seconds between reallocations (default 30). */
    interval_s: z.number().int().min(1).max(86_400).optional(),
  })
  .refine((p) => p.arms.some((a) => !a.dropped && a.weight > 0), {
    message: 'at least one arm must be live with a positive weight',
    path: ['arms'],
  })
  .refine((p) => new Set(p.arms.map((a) => a.name ?? a.ref)).size === p.arms.length, {
    message: 'arms must be distinct',
    path: ['arms'],
  })
  .refine((p) => p.floor === undefined || p.floor * p.arms.filter((a) => !a.dropped).length <= 1, {
    message: 'floor × live arms must not exceed 1',
    path: ['floor'],
  });

export const trafficPlanSchema = z.discriminatedUnion('strategy', [
  singlePlanSchema,
  abPlanSchema,
  shadowPlanSchema,
  canaryPlanSchema,
  bluegreenPlanSchema,
  banditPlanSchema,
]);
export type TrafficPlan = z.infer<typeof trafficPlanSchema>;
export type TrafficStrategy = TrafficPlan['strategy'];

/** The body of PUT /v1/traffic/{model}, on the registry and on the router alike. */
export const putTrafficSchema = z.strictObject({
  plan: trafficPlanSchema,
  /** Apply only if the stored plan is still at this revision (0: none stored yet). */
  expected_revision: z.number().int().nonnegative().optional(),
  reason: z.string().trim().min(1).max(2000).optional(),
  /** admin only: serve arms without a passing gate verdict, for this stated reason (audited). */
  override_verdicts: z.strictObject({ reason: z.string().trim().min(1).max(2000) }).optional(),
});
export type PutTrafficBody = z.infer<typeof putTrafficSchema>;

/** Every ref a plan names; a `single` plan without a ref serves `production`. */
export function trafficPlanRefs(plan: TrafficPlan): string[] {
  switch (plan.strategy) {
    case 'single':
      return [plan.ref ?? ALIASES.production];
    case 'ab':
    case 'bandit':
      return plan.arms.map((a) => a.ref);
    case 'shadow':
      return [plan.primary, plan.shadow];
    case 'canary':
      return [plan.stable, plan.canary];
    case 'bluegreen':
      return [plan.active, plan.preview];
  }
}
