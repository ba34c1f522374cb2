import { z } from 'zod';
import { digestSchema, isoTimeSchema, modelNameSchema } from './common';
import { bucketNameSchema, itemOutcomeSchema } from './eval';

// The registered baseline (per model, append-only history) and the per-item outcomes that a
// baseline and a verdict carry, so the registry can recompute a gate decision itself.

export type ItemOutcomeBody = z.infer<typeof itemOutcomeSchema>;

/** Eval sets are a few thousand items; the cap keeps one request's work bounded. */
export const MAX_OUTCOME_ITEMS = 100_000;
export const itemOutcomesSchema = z.array(itemOutcomeSchema).min(1).max(MAX_OUTCOME_ITEMS);

/** A bucket of the eval set by the ids of its items; `gating: false` buckets are report-only. */
export const baselineBucketSpecSchema = z.strictObject({
  name: bucketNameSchema,
  item_ids: z.array(z.string().min(1).max(128)).min(1).max(MAX_OUTCOME_ITEMS),
  gating: z.boolean(),
});
export type BaselineBucketSpec = z.infer<typeof baselineBucketSpecSchema>;

/** POST /v1/models/{name}/baselines (`lynx baseline update`): role ci or admin. */
export const baselineUpdateRequestSchema = z.strictObject({
  eval_set_digest: digestSchema,
  /** The version whose outcomes these are (informative: the registry does not re-run it). */
  model_digest: digestSchema.optional(),
  tolerance: z.number().gt(0).lt(1),
  /** One-sided level of each bucket's bound in the paired decision. */
  alpha: z.number().gt(0).lt(0.5),
  items: itemOutcomesSchema,
  buckets: z.array(baselineBucketSpecSchema).min(1).max(2_000),
  reason: z.string().trim().min(1).max(2_000),
  /** Compare-and-set: the update applies only if this is still the current baseline (null: none yet). */
  expected_previous_digest: digestSchema.nullable().optional(),
});
export type BaselineUpdateRequest = z.infer<typeof baselineUpdateRequestSchema>;

/** A registered baseline as the API answers it (items by digest; GET …/baselines/current?items=true adds them). */
export const registeredBaselineSchema = z.object({
  id: z.number().int(),
  model: modelNameSchema,
  digest: digestSchema,
  previous_digest: digestSchema.nullable(),
  eval_set_digest: digestSchema,
  model_digest: digestSchema.nullable(),
  outcomes_digest: digestSchema,
  tolerance: z.number(),
  alpha: z.number(),
  buckets: z.array(baselineBucketSpecSchema),
  actor: z.string(),
  role: z.string(),
  reason: z.string(),
  at: isoTimeSchema,
  items: itemOutcomesSchema.optional(),
});
export type RegisteredBaselineBody = z.infer<typeof registeredBaselineSchema>;
