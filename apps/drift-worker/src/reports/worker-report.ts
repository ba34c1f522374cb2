import { driftReportSchema, featureMetricSchema } from '@lynx/schema';
import { z } from 'zod';

/**
 * The drift report as the worker stores and serves it: libs/schema's DriftReport plus the
 * evidence behind the decision. Consumers that only know DriftReport read it unchanged.
 */
export const workerReportSchema = driftReportSchema.extend({
  metrics: z.array(
    featureMetricSchema.extend({
      metric: z.enum(['kl', 'js', 'psi', 'ks', 'chi2']),
      value: z.number(),
      watch: z.number(),
      retrain: z.number().nullable(),
      advisory: z.boolean(),
      significant: z.boolean().optional(),
      unconfirmed: z.enum(['ok', 'watch', 'drift']).optional(),
    }),
  ),
  reasons: z.array(z.string()),
  raw_level: z.enum(['none', 'watch', 'retrain']).nullable(),
  /** Events per flag: unknown_digest (no reference profile when counted), no_verb, error. */
  flags: z.record(z.string(), z.number()),
  retrain_requested: z.boolean(),
  /** Per-feature histograms for the HTML view: reference and current shares by bucket. */
  histograms: z.array(
    z.object({
      feature: z.string(),
      buckets: z.array(z.object({ bucket: z.string(), reference: z.number().nullable(), current: z.number() })),
    }),
  ),
});
export type WorkerReport = z.infer<typeof workerReportSchema>;
