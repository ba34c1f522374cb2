import { z } from 'zod';
import { modelNameSchema, referenceSchema } from '@lynx/schema';

/** POST /v1/gate/evaluations */
export const evaluationRequestSchema = z.strictObject({
  model: modelNameSchema,
  ref: referenceSchema,
  /** Defaults to the baseline's tolerance_pp. */
  tolerance: z.number().min(0).max(1).optional(),
});
export type EvaluationRequest = z.infer<typeof evaluationRequestSchema>;

export interface EvaluationJobData {
  model: string;
  digest: string;
  baseline_digest: string;
  tolerance?: number;
}

/**
 * Job ids are deterministic: one evaluation per (candidate, baseline). Digest prefixes (128 and
 * 64 bits) keep the id under the URL parameter limit; BullMQ ids may not hold ':'.
 */
export function evaluationJobId(candidateDigest: string, baselineDigest: string): string {
  const hex = (d: string, n: number) => d.replace(/^sha256:/, '').slice(0, n);
  return `eval-${hex(candidateDigest, 32)}-${hex(baselineDigest, 16)}`;
}
