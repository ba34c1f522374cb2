import { z } from 'zod';
import { inferenceEventSchema, usageSchema } from '@lynx/schema';

/**
 * The router's `lynx.inference.completed` event as the cost emitter reads it: the same schema,
 * except that `usage` may be missing (an upstream that sent none, an older router); such an
 * event is priced from a token count of its input and output text and marked estimated.
 */
export const costEventSchema = inferenceEventSchema.extend({ usage: usageSchema.optional() });
export type CostEvent = z.infer<typeof costEventSchema>;
