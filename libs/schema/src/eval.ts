import { z } from 'zod';
import { countSchema, digestSchema, isoTimeSchema, modelNameSchema } from './common';

// Eval results, the committed baseline (eval_baseline.json) and the gate's verdict.

const accuracy = z.number().min(0).max(1);

export const evalBucketSchema = z
  .object({ accuracy, n: countSchema, passed: countSchema })
  .refine((b) => b.passed <= b.n, { message: 'passed must not exceed n', path: ['passed'] });
export type EvalBucket = z.infer<typeof evalBucketSchema>;

/** Bucket keys look like `tense.past_simple`. */
export const bucketNameSchema = z.string().min(1).max(128);

export const evalResultSchema = z.strictObject({
  model: modelNameSchema.optional(),
  model_digest: digestSchema,
  eval_set_digest: digestSchema,
  variant: z.string().optional(),
  overall: evalBucketSchema,
  buckets: z.record(bucketNameSchema, evalBucketSchema),
  created_at: isoTimeSchema,
});
export type EvalResult = z.infer<typeof evalResultSchema>;

export const baselineBucketSchema = z.strictObject({ accuracy, n: countSchema });

/** eval_baseline.json at the repository root. tolerance_pp is a fraction: 0.02 = 2 percentage points. */
export const evalBaselineSchema = z.strictObject({
  eval_set_digest: digestSchema,
  baseline_digest: digestSchema,
  previous_baseline_digest: digestSchema.nullable(),
  tolerance_pp: z.number().min(0).max(1),
  buckets: z.record(bucketNameSchema, baselineBucketSchema),
});
export type EvalBaseline = z.infer<typeof evalBaselineSchema>;

export const BUCKET_VERDICTS = ['pass', 'regression', 'new', 'missing'] as const;

export const gateBucketResultSchema = z.strictObject({
  bucket: bucketNameSchema,
  baseline: accuracy.nullable(),
  candidate: accuracy.nullable(),
  delta: z.number().nullable(),
  n: countSchema,
  ci_lower: accuracy.nullable(),
  ci_upper: accuracy.nullable(),
  p_value: z.number().min(0).max(1).nullable(),
  verdict: z.enum(BUCKET_VERDICTS),
});
export type GateBucketResult = z.infer<typeof gateBucketResultSchema>;

/** A gate decision as recorded in the registry; promote to production requires a passing one. */
export const gateVerdictSchema = z.strictObject({
  verdict_id: z.string().min(1).optional(),
  kind: z.enum(['gate', 'bootstrap']),
  model: modelNameSchema,
  candidate_digest: digestSchema,
  baseline_file_digest: digestSchema.nullable(),
  eval_set_digest: digestSchema,
  tolerance_pp: z.number().min(0).max(1),
  passed: z.boolean(),
  buckets: z.array(gateBucketResultSchema),
  created_at: isoTimeSchema,
});
export type GateVerdict = z.infer<typeof gateVerdictSchema>;
