import { z } from 'zod';
import { aliasNameSchema, countSchema, digestSchema, semverSchema } from './common';

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
});
export type CostRow = z.infer<typeof costRowSchema>;
