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

/** One eval item's outcome for one model (the paired gate compares these item by item). */
export const itemOutcomeSchema = z.strictObject({ id: z.string().min(1).max(128), correct: z.boolean() });

export const evalResultSchema = z.strictObject({
  model: modelNameSchema.optional(),
  model_digest: digestSchema,
  eval_set_digest: digestSchema,
  variant: z.string().optional(),
  overall: evalBucketSchema,
  buckets: z.record(bucketNameSchema, evalBucketSchema),
  created_at: isoTimeSchema,
  /** Per-item outcomes, in eval-set order; the gate's paired comparison needs them. */
  items: z.array(itemOutcomeSchema).optional(),
});
export type EvalResult = z.infer<typeof evalResultSchema>;

export const baselineBucketSchema = z.strictObject({ accuracy, n: countSchema });

/** eval_baseline.json at the repository root. tolerance_pp is a fraction: 0.02 = 2 percentage points. */
export const evalBaselineSchema = z.strictObject({
  eval_set_digest: digestSchema,
  /** The eval set's DVC md5 (as dvc.lock records it); absent in baselines written before DVC. */
  eval_set_dvc_hash: z.string().regex(/^[0-9a-f]{32}$/, 'a DVC md5: 32 lowercase hex digits').optional(),
  baseline_digest: digestSchema,
  previous_baseline_digest: digestSchema.nullable(),
  tolerance_pp: z.number().min(0).max(1),
  buckets: z.record(bucketNameSchema, baselineBucketSchema),
  // The paired gate's fields (absent in baselines written before it):
  /** The baseline model's per-item outcomes: a JSONL file (path relative to the baseline file) and its sha256. */
  outcomes_path: z.string().min(1).optional(),
  outcomes_digest: digestSchema.optional(),
  /** Buckets that gate promotion, and buckets the eval set cannot power (shown, never gating). */
  gating: z.array(bucketNameSchema).optional(),
  report_only: z.array(bucketNameSchema).optional(),
  /** One-sided pass-side level per bucket; family-wise fail-side level; assumed discordance for the power plan. */
  alpha: z.number().gt(0).lt(0.5).optional(),
  fail_alpha: z.number().gt(0).lt(0.5).optional(),
  discordance: z.number().gt(0).lt(1).optional(),
});
export type EvalBaseline = z.infer<typeof evalBaselineSchema>;

// 'regression' is the old point-estimate rule's refusal; the paired gate says 'fail' or 'inconclusive'.
export const BUCKET_VERDICTS = ['pass', 'regression', 'new', 'missing', 'fail', 'inconclusive'] as const;

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
  // The paired gate's fields: does the bucket gate, discordant pairs b (baseline right, candidate
  // wrong) and c (the reverse), and the one-sided bounds of candidate − baseline.
  gating: z.boolean().optional(),
  b: countSchema.optional(),
  c: countSchema.optional(),
  lower: z.number().min(-1).max(1).optional(),
  upper: z.number().min(-1).max(1).optional(),
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
  // The paired gate's fields: the three-state decision, its levels, and the outcomes it compared (by digest).
  decision: z.enum(['pass', 'fail', 'inconclusive']).optional(),
  alpha: z.number().gt(0).lt(0.5).optional(),
  fail_alpha: z.number().gt(0).lt(0.5).optional(),
  baseline_digest: digestSchema.optional(),
  baseline_outcomes_digest: digestSchema.optional(),
  candidate_outcomes_digest: digestSchema.optional(),
});
export type GateVerdict = z.infer<typeof gateVerdictSchema>;
