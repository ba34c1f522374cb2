import { z } from 'zod';
import {
  aliasNameSchema,
  countSchema,
  digestSchema,
  isoTimeSchema,
  modelNameSchema,
  referenceSchema,
  roleSchema,
  semverSchema,
} from './common';
import { servingRoleSchema } from './inference';

// REST bodies of the registry are strict (unknown fields → 400); its events are not.

const reason = z.string().trim().min(1).max(2000);

export const manifestFileSchema = z.strictObject({
  /** Checked further by the bundle lib's validateBundlePath. */
  path: z.string().min(1).max(4096),
  size: z.number().int().nonnegative(),
  digest: digestSchema,
});
export type ManifestFile = z.infer<typeof manifestFileSchema>;

export const manifestSchema = z.strictObject({
  files: z.array(manifestFileSchema).max(100_000),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** What DVC records of the same data (`md5` with `.dir` for a folder), so lineage walks back to DVC hashes too. */
export const dvcHashSchema = z.strictObject({
  md5: z.string().regex(/^[0-9a-f]{32}(\.dir)?$/, 'expected a DVC md5 (32 hex digits, .dir for a folder)'),
  size: z.number().int().nonnegative(),
  nfiles: z.number().int().nonnegative().optional(),
});

export const lineageDataSchema = z.strictObject({
  name: z.string().min(1).max(256),
  digest: digestSchema,
  uri: z.string().max(2048).optional(),
  dvc: dvcHashSchema.optional(),
});

/** The MLflow run a version was pushed from (`lynx push --mlflow-run`). */
export const mlflowLineageSchema = z.strictObject({
  run_id: z.string().regex(/^[0-9a-f]{32}$/, 'expected an MLflow run id (32 hex digits)'),
  experiment_id: z.string().min(1).max(256),
  artifact_uri: z.string().min(1).max(2048),
});

export const lineageSchema = z.strictObject({
  run_id: z.string().min(1).max(256).optional(),
  code_commit: z.string().min(1).max(256).optional(),
  data: z.array(lineageDataSchema).max(1000),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  parent_digest: digestSchema.optional(),
  mlflow: mlflowLineageSchema.optional(),
});
export type Lineage = z.infer<typeof lineageSchema>;

export const registerVersionRequestSchema = z.strictObject({
  manifest: manifestSchema,
  lineage: lineageSchema,
  metrics: z.record(z.string(), z.number()).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  description: z.string().max(10_000).optional(),
});
export type RegisterVersionRequest = z.infer<typeof registerVersionRequestSchema>;

/** PUT /v1/models/{name}/aliases/{alias}; expected_digest null = the alias must not exist yet. */
export const aliasMoveRequestSchema = z.strictObject({
  digest: digestSchema,
  expected_digest: digestSchema.nullable().optional(),
  reason,
});
export type AliasMoveRequest = z.infer<typeof aliasMoveRequestSchema>;

export const promoteRequestSchema = z.strictObject({
  digest: digestSchema,
  semver: semverSchema,
  verdict_id: z.string().min(1).optional(),
  reason,
});
export type PromoteRequest = z.infer<typeof promoteRequestSchema>;

export const rollbackRequestSchema = z.strictObject({
  to: referenceSchema.optional(),
  reason,
});
export type RollbackRequest = z.infer<typeof rollbackRequestSchema>;

/** POST /v1/models/{name}/versions/{ref}/usage — idempotent by rollup_id. */
export const usageRollupRequestSchema = z
  .strictObject({
    rollup_id: z.string().min(1).max(256),
    role: servingRoleSchema,
    window_start: isoTimeSchema,
    window_end: isoTimeSchema,
    first_served_at: isoTimeSchema,
    last_served_at: isoTimeSchema,
    requests: z.number().int().nonnegative(),
    errors: z.number().int().nonnegative().optional(),
    prompt_tokens: z.number().int().nonnegative(),
    completion_tokens: z.number().int().nonnegative(),
    cost_usd: z.number().nonnegative(),
    usage_estimated: z.boolean().optional(),
  })
  .refine((r) => r.window_start <= r.window_end, { message: 'window_start must not be after window_end', path: ['window_end'] });
export type UsageRollupRequest = z.infer<typeof usageRollupRequestSchema>;


/** A row of GET /v1/models/{name}/served: one version's serving, summed over all its usage rollups. */
export const servedVersionSchema = z.object({
  digest: digestSchema,
  semver: semverSchema.nullable(),
  first_served: isoTimeSchema,
  last_served: isoTimeSchema,
  requests: countSchema,
  errors: countSchema,
  /** Prompt plus completion tokens. */
  tokens: countSchema,
  /** Overall accuracy of the newest evaluation attached to the version, served or not. */
  latest_accuracy: z.number().min(0).max(1).nullable(),
  /** null while no token has been counted. */
  cost_per_1k_tokens: z.number().nonnegative().nullable(),
});
export type ServedVersion = z.infer<typeof servedVersionSchema>;

/** GET /v1/models/{name}/served: a page, most recently served first; next_cursor null on the last. */
export const servedResponseSchema = z.object({
  model: modelNameSchema,
  versions: z.array(servedVersionSchema),
  next_cursor: z.string().nullable(),
});
export type ServedResponse = z.infer<typeof servedResponseSchema>;

/**
 * GET /v1/models/{name}/served?digest=…&digest=… answers the serving of these digests only (a
 * page of a versions table): at most this many per request, so the query line stays well under
 * the HTTP header limit (16 kB) and the read is one index probe per digest.
 */
export const SERVED_DIGESTS_MAX = 100;

export const REGISTRY_EVENT_TYPES = [
  'version.registered',
  'alias.moved',
  'promoted',
  'rolled_back',
  'traffic.changed',
  'verdict.recorded',
  'tags.changed',
] as const;

/** lynx.registry.*: published after each committed change; `from`/`to` are digests (null = unset). */
export const registryEventSchema = z.object({
  event_id: z.uuid(),
  type: z.enum(REGISTRY_EVENT_TYPES),
  model: modelNameSchema,
  digest: digestSchema.optional(),
  alias: aliasNameSchema.optional(),
  from: digestSchema.nullable().optional(),
  to: digestSchema.nullable().optional(),
  semver: semverSchema.optional(),
  verdict_id: z.string().optional(),
  actor: z.string().min(1),
  role: roleSchema,
  reason: z.string().optional(),
  time: isoTimeSchema,
});
export type RegistryEvent = z.infer<typeof registryEventSchema>;

/** PATCH /v1/models/{model}/versions/{ref}/tags: keys to set and keys to remove, in one change. */
export const tagsPatchRequestSchema = z.strictObject({
  set: z.record(z.string(), z.string()).default({}),
  unset: z.array(z.string()).default([]),
  reason: z.string().min(1).max(500).optional(),
});
export type TagsPatchRequest = z.infer<typeof tagsPatchRequestSchema>;

/** How an alias moved: a plain move, a gated promote, or a rollback. */
export type MoveKind = 'move' | 'promote' | 'rollback';

/** One move of an alias as the registry answers it: when, from, to, who, why. */
export interface AliasMove {
  id: number;
  model: string;
  alias: string;
  kind: MoveKind;
  from_digest: string | null;
  to_digest: string;
  actor: string;
  role: string;
  reason: string;
  verdict_id: string | null;
  semver: string | null;
  at: string;
}

/** One audit-log entry as the registry answers it. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  role: string;
  action: string;
  model: string | null;
  digest: string | null;
  reason: string | null;
  before: unknown;
  after: unknown;
}
