import { z } from 'zod';
import { digestSchema, isoTimeSchema, modelNameSchema } from './common';

// Drift reports the drift worker writes at each window close (lynx.drift.report).

export const DRIFT_DECISIONS = ['none', 'watch', 'retrain', 'insufficient_data', 'no_reference'] as const;
export const driftDecisionSchema = z.enum(DRIFT_DECISIONS);
export type DriftDecision = z.infer<typeof driftDecisionSchema>;

export const driftWindowSchema = z.object({
  id: z.string().min(1),
  start: isoTimeSchema,
  end: isoTimeSchema,
});
export type DriftWindow = z.infer<typeof driftWindowSchema>;

export const featureMetricSchema = z.object({
  feature: z.string().min(1),
  kind: z.enum(['categorical', 'scalar']),
  /** What the window was compared with: the version's reference profile or the previous window. */
  against: z.enum(['reference', 'previous']).default('reference'),
  kl: z.number().nonnegative().optional(),
  js: z.number().min(0).max(1).optional(),
  psi: z.number().nonnegative().optional(),
  ks: z.object({ statistic: z.number().min(0).max(1), pValue: z.number().min(0).max(1) }).optional(),
  chi2: z.object({ statistic: z.number().nonnegative(), pValue: z.number().min(0).max(1), dof: z.number().int() }).optional(),
  threshold: z.number().nonnegative(),
  verdict: z.enum(['ok', 'watch', 'drift']),
});
export type FeatureMetric = z.infer<typeof featureMetricSchema>;

export const topMoverSchema = z.object({
  feature: z.string().min(1),
  bucket: z.string().optional(),
  metric: z.string().min(1),
  score: z.number(),
  reference_share: z.number().optional(),
  current_share: z.number().optional(),
});

export const driftReportSchema = z.object({
  id: z.string().min(1),
  model: modelNameSchema,
  digest: digestSchema,
  window: driftWindowSchema,
  previous_window_id: z.string().nullable().optional(),
  count: z.number().int().nonnegative(),
  decision: driftDecisionSchema,
  metrics: z.array(featureMetricSchema),
  top_movers: z.array(topMoverSchema),
  created_at: isoTimeSchema.optional(),
});
export type DriftReport = z.infer<typeof driftReportSchema>;
