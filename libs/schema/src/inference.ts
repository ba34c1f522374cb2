import { z } from 'zod';
import { countSchema, digestSchema, isoTimeSchema, modelNameSchema } from './common';

// Events the router publishes to JetStream (lynx.inference.*). Event schemas are not strict:
// consumers accept fields added later so an older worker keeps reading a newer router.

/** Which part of a traffic plan served the request. */
export const SERVING_ROLES = ['primary', 'shadow', 'canary', 'stable', 'preview', 'ab', 'bandit'] as const;
export const servingRoleSchema = z.enum(SERVING_ROLES);
export type ServingRole = z.infer<typeof servingRoleSchema>;

const ms = z.number().nonnegative();

export const usageSchema = z.object({
  prompt_tokens: countSchema,
  completion_tokens: countSchema,
  total_tokens: countSchema,
});
export type Usage = z.infer<typeof usageSchema>;

export const inferenceErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
});

export const inferenceEventSchema = z.object({
  event_id: z.uuid(),
  /** The x-lynx-request-id; a shadow answer shares it with its primary. */
  request_id: z.string().min(1),
  time: isoTimeSchema,
  /** Logical model, e.g. grammar-tutor. */
  model: modelNameSchema,
  digest: digestSchema,
  arm: z.string().min(1),
  role: servingRoleSchema,
  user_hash: z.string().optional(),
  endpoint: z.enum(['chat', 'completions']).optional(),
  input: z.string(),
  output: z.string(),
  usage: usageSchema,
  /** True when the upstream sent no usage and the router counted tokens itself. */
  usage_estimated: z.boolean().optional(),
  latency_ms: ms,
  upstream_latency_ms: ms,
  status: z.enum(['ok', 'error']),
  error: inferenceErrorSchema.optional(),
});
export type InferenceEvent = z.infer<typeof inferenceEventSchema>;

export const shadowSideSchema = z.object({
  digest: digestSchema,
  arm: z.string().min(1),
  output: z.string(),
  usage: usageSchema.optional(),
  latency_ms: ms,
  status: z.enum(['ok', 'error']),
  error: inferenceErrorSchema.optional(),
});
export type ShadowSide = z.infer<typeof shadowSideSchema>;

/** lynx.inference.shadow: the primary and shadow answers to one request, side by side. */
export const shadowPairEventSchema = z.object({
  event_id: z.uuid(),
  request_id: z.string().min(1),
  time: isoTimeSchema,
  model: modelNameSchema,
  user_hash: z.string().optional(),
  input: z.string(),
  primary: shadowSideSchema,
  shadow: shadowSideSchema,
});
export type ShadowPairEvent = z.infer<typeof shadowPairEventSchema>;

/** Body of the router's POST /v1/feedback. */
export const feedbackRequestSchema = z.strictObject({
  request_id: z.string().min(1),
  accepted: z.boolean(),
  correction: z.string().max(10_000).optional(),
});
export type FeedbackRequest = z.infer<typeof feedbackRequestSchema>;

/** lynx.inference.feedback: the learner accepted or rejected a correction. */
export const feedbackEventSchema = z.object({
  event_id: z.uuid(),
  request_id: z.string().min(1),
  time: isoTimeSchema,
  model: modelNameSchema.optional(),
  digest: digestSchema.optional(),
  arm: z.string().optional(),
  role: servingRoleSchema.optional(),
  accepted: z.boolean(),
  correction: z.string().optional(),
});
export type FeedbackEvent = z.infer<typeof feedbackEventSchema>;
