import { z } from 'zod';
import { aliasNameSchema, countSchema, digestSchema, isoTimeSchema, modelNameSchema, semverSchema } from './common';

// What `lynx costs <model> --json` prints, a row per registry version; the demo reads it.


export const costRowSchema = z.object({
  digest: digestSchema,
  /** The digest's first 12 hex digits. */
  short: z.string(),
  semver: semverSchema.nullable(),
  aliases: z.array(aliasNameSchema),
  /** Newest evaluation's overall accuracy, else the accuracy in the version's metrics; null when neither. */
  accuracy: z.number().nullable(),
  /** 0 requests and tokens when the version never served. */
  requests: countSchema,
  tokens: countSchema,
  usd_per_1k_tokens: z.number().nonnegative().nullable(),
  /** Cost per quality unit: USD per 1k tokens ÷ accuracy; null when either is unknown or accuracy is 0. */
  cpqu: z.number().nonnegative().nullable(),
  /** Usage the cost emitter counted but has not flushed to the registry yet; absent when none or unknown. */
  provisional: z
    .object({ requests: countSchema, tokens: countSchema, usd_per_1k_tokens: z.number().nonnegative().nullable() })
    .optional(),
});
export type CostRow = z.infer<typeof costRowSchema>;

interface EvaluationLike {
  created_at?: unknown;
  result?: { overall?: { accuracy?: unknown } };
}

/**
 * The accuracy a version's cost per quality unit divides by, from a version as
 * `GET …/versions/{ref}` returns it: the overall accuracy of its newest evaluation (by created_at;
 * on a tie the later in the registry's oldest-first list), else the accuracy recorded in its
 * metrics at registration; null when neither is known. The cost emitter and `lynx costs` share it.
 */
export function versionAccuracy(v: { evaluations?: unknown; metrics?: unknown }): number | null {
  const evals = Array.isArray(v.evaluations) ? (v.evaluations as EvaluationLike[]) : [];
  const newest = evals.reduce<EvaluationLike | undefined>((a, b) => (!a || String(b.created_at ?? '') >= String(a.created_at ?? '') ? b : a), undefined);
  const fromMetrics = (v.metrics as { accuracy?: unknown } | null | undefined)?.accuracy;
  return [newest?.result?.overall?.accuracy, fromMetrics].find((x): x is number => typeof x === 'number') ?? null;
}

/** One version's usage the cost emitter counted but has not posted to the registry yet. */
export const liveUsageVersionSchema = z.object({
  digest: digestSchema,
  first_served: isoTimeSchema,
  last_served: isoTimeSchema,
  requests: countSchema,
  errors: countSchema,
  tokens: countSchema,
  cost_usd: z.number().nonnegative(),
  cost_per_1k_tokens: z.number().nonnegative().nullable(),
});
export type LiveUsageVersion = z.infer<typeof liveUsageVersionSchema>;

/** GET /v1/costs/{model}/live on the cost emitter: provisional, not-yet-flushed usage. */
export const liveUsageSchema = z.object({
  model: modelNameSchema,
  provisional: z.literal(true),
  as_of: isoTimeSchema,
  versions: z.array(liveUsageVersionSchema),
});
export type LiveUsage = z.infer<typeof liveUsageSchema>;
