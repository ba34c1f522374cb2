import type { AliasMove, AuditEntry } from '@lynx/schema';
/**
 * The registry's storage interface. Two backends implement it through one Kysely query
 * builder: PostgreSQL (LYNX_DATABASE_URL set) and embedded PGlite (the default), and one
 * contract suite (registry-store.contract.ts) runs against both.
 *
 * Records use the REST API's snake_case shape so the service can return them as they are.
 * Rules that must hold under concurrency (alias compare-and-set, semver order, verdict check,
 * rollback target) are enforced here, inside one transaction holding the model's row lock;
 * who may do what (roles, environment) is the service's business.
 *
 * Append-only tables (alias history, audit, evaluations, verdicts, usage rollups, traffic plan
 * history) are never updated or deleted; a database trigger refuses it. Two tables are updated in
 * place on purpose: serving_summary (a cache of the rollups, maintained in the rollup's
 * transaction) and outbox (a delivery queue whose rows get published_at once on JetStream).
 *
 * Every state change writes its lynx.registry.* event to the outbox in the same transaction.
 */
import type { RegistryEvent, ServedVersion } from '@lynx/schema';

export interface FileEntry {
  path: string;
  size: number;
  digest: string;
}

export interface Manifest {
  files: FileEntry[];
}

export interface DataRef {
  name: string;
  digest: string;
  uri?: string;
}

export interface Lineage {
  run_id?: string;
  code_commit?: string;
  data: DataRef[];
  params?: Record<string, unknown>;
  parent_digest?: string;
  [key: string]: unknown;
}

/** registered: never production · production: the production alias points here ·
 * superseded: was production, replaced by a promote · rolled_back: was production, rolled back from. */
export type VersionStatus = 'registered' | 'production' | 'superseded' | 'rolled_back';

export interface Actor {
  actor: string;
  role: string;
}

export interface NewVersion {
  model: string;
  digest: string;
  manifest: Manifest;
  lineage: Lineage;
  metrics?: Record<string, number>;
  tags?: Record<string, string>;
  description?: string;
}

export interface VersionRecord {
  model: string;
  digest: string;
  semver: string | null;
  status: VersionStatus;
  size: number;
  file_count: number;
  lineage: Lineage;
  metrics: Record<string, number>;
  tags: Record<string, string>;
  description: string | null;
  aliases: string[];
  created_at: string;
  created_by: string;
}

export interface ModelSummary {
  name: string;
  created_at: string;
  version_count: number;
  latest_digest: string | null;
  production_digest: string | null;
}

export interface VersionFilter {
  alias?: string;
  /** `key` (tag present) or `key=value`. */
  tag?: string;
  status?: VersionStatus;
  cursor?: string;
  limit?: number;
}

export interface VersionPage {
  items: VersionRecord[];
  next_cursor: string | null;
}

export interface AliasRecord {
  model: string;
  alias: string;
  digest: string;
  updated_at: string;
}

export type { AliasMove, AuditEntry, MoveKind } from '@lynx/schema';

export interface NewEvaluation {
  model: string;
  digest: string;
  eval_set_digest: string;
  result: unknown;
}

export interface EvaluationRecord extends NewEvaluation {
  id: string;
  created_at: string;
  created_by: string;
}

/** One eval item's outcome (libs/schema itemOutcomeSchema). */
export interface ItemOutcome {
  id: string;
  correct: boolean;
}

/** Where a verdict came from: the gate service, a CI workflow proved by OIDC, or a bearer token of some role. */
export type VerdictSource = 'gate' | 'ci_oidc' | `${string}_token` | 'dev';

/** Sources whose verdicts may promote with LYNX_ENV=prod: the measured path only. */
export const TRUSTED_VERDICT_SOURCES: readonly string[] = ['gate', 'ci_oidc'];

export interface NewVerdict {
  model: string;
  digest: string;
  passed: boolean;
  baseline_digest: string | null;
  eval_set_digest: string;
  buckets: unknown;
  bootstrap: boolean;
  tolerance_pp?: number | null;
  reason?: string;
  source?: VerdictSource;
  /** The candidate's per-item outcomes; with them the store recomputes the decision against the current baseline. */
  items?: ItemOutcome[];
  /** The registered baseline the verdict was computed against (must be the model's current one). */
  registered_baseline_digest?: string | null;
  /** LYNX_ENV=prod: outcomes need a registered baseline to be checked against (else baseline_required); elsewhere they are kept unchecked until one exists. */
  strict?: boolean;
}

export interface VerdictRecord extends Omit<NewVerdict, 'items' | 'source' | 'registered_baseline_digest' | 'strict'> {
  id: string;
  created_at: string;
  created_by: string;
  source: VerdictSource | null;
  outcomes_digest: string | null;
  registered_baseline_digest: string | null;
  /** The registry's own recomputation when the verdict was recorded (null without outcomes). */
  decision: unknown;
}

export interface BaselineBucket {
  name: string;
  item_ids: string[];
  gating: boolean;
}

export interface NewBaseline {
  model: string;
  eval_set_digest: string;
  model_digest?: string | null;
  tolerance: number;
  alpha: number;
  items: ItemOutcome[];
  buckets: BaselineBucket[];
  reason: string;
  /** Compare-and-set on the current baseline's digest (null: there must be none yet). */
  expected_previous_digest?: string | null;
}

/** One entry of a model's baseline history; the newest is the current baseline. */
export interface BaselineRecord {
  id: number;
  model: string;
  /** sha256 of the canonical JSON of {alpha, buckets, eval_set_digest, outcomes_digest, tolerance}. */
  digest: string;
  previous_digest: string | null;
  eval_set_digest: string;
  model_digest: string | null;
  outcomes_digest: string;
  tolerance: number;
  alpha: number;
  buckets: BaselineBucket[];
  actor: string;
  role: string;
  reason: string;
  at: string;
}

/** One window of one version's serving, posted by the cost emitter (schema: usageRollupRequestSchema). */
export interface UsageRollup {
  rollup_id: string;
  model: string;
  digest: string;
  role: string;
  window_start: string;
  window_end: string;
  first_served_at: string;
  last_served_at: string;
  requests: number;
  errors?: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  usage_estimated?: boolean;
}

/** `limit` 1-1000, default 100; `cursor` is a previous page's next_cursor. */
export interface ServedFilter {
  cursor?: string;
  limit?: number;
}

/** The store's page; the API answers it as servedResponseSchema (`versions`, not `items`). */
export interface ServedPage {
  items: ServedVersion[];
  next_cursor: string | null;
}

export interface TrafficPlanRecord {
  model: string;
  revision: number;
  plan: unknown;
  updated_at: string;
  updated_by: string;
}

export interface TrafficPlanChange extends TrafficPlanRecord {
  role: string;
  reason: string | null;
}

/** One row of the transactional outbox: an event written with its change, published by the relay. */
export interface OutboxEvent {
  id: number;
  event_id: string;
  /** Canonical subject (lynx.registry.…); the relay maps it into the namespace. */
  subject: string;
  payload: RegistryEvent;
  created_at: string;
}

export interface MoveAliasInput {
  model: string;
  alias: string;
  digest: string;
  /** When given, the move happens only if the alias still points here (null: alias must not exist). */
  expected_digest?: string | null;
  reason: string;
}

export interface PromoteInput {
  model: string;
  digest: string;
  semver: string;
  verdict_id?: string;
  reason: string;
  /** False only where the service allows a promote without a verdict (a -dev semver outside prod). */
  require_verdict: boolean;
  /**
   * LYNX_ENV=prod: the verdict must come from a trusted source (TRUSTED_VERDICT_SOURCES) and, unless
   * it is a bootstrap, be recomputed against a registered baseline. Elsewhere a verdict is recomputed
   * whenever the model has a registered baseline.
   */
  strict?: boolean;
}

export interface RollbackInput {
  model: string;
  to?: string;
  reason: string;
}

export interface PutTrafficPlanInput {
  model: string;
  plan: unknown;
  expected_revision?: number;
  reason?: string;
}

/** A tag edit of one version: keys to set and keys to remove (set wins when a key is in both). */
export interface SetTagsInput {
  model: string;
  digest: string;
  set: Record<string, string>;
  unset: string[];
  reason?: string;
}

export interface TagsChange {
  version: VersionRecord;
  /** The tags before the edit. */
  before: Record<string, string>;
  /** Keys whose value changed (added, removed or replaced), sorted; empty when nothing changed. */
  changed: string[];
}

export interface RegistryStore {
  /** Runs pending migrations; called once before any other method. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** A cheap round trip for readiness probes. */
  ping(): Promise<void>;

  /** Stores a version; `created: false` with the existing record when the digest is already registered. */
  registerVersion(input: NewVersion, by: Actor): Promise<{ version: VersionRecord; created: boolean }>;
  /** Edits a version's tags (audited, with a `tags.changed` event); 404 for an unknown version. */
  setTags(input: SetTagsInput, by: Actor): Promise<TagsChange>;
  listModels(): Promise<ModelSummary[]>;
  listVersions(model: string, filter?: VersionFilter): Promise<VersionPage>;
  getVersion(model: string, digest: string): Promise<VersionRecord | undefined>;
  getManifest(model: string, digest: string): Promise<Manifest | undefined>;
  /** Resolves a full digest, a ≥12-hex prefix, a semver or an alias; throws NotFound / AmbiguousReference. */
  resolve(model: string, ref: string): Promise<VersionRecord>;

  getAliases(model: string): Promise<AliasRecord[]>;
  /** Compare-and-set move of any alias except production. */
  moveAlias(input: MoveAliasInput, by: Actor): Promise<AliasMove | null>;
  promote(input: PromoteInput, by: Actor): Promise<AliasMove>;
  rollback(input: RollbackInput, by: Actor): Promise<AliasMove>;
  aliasHistory(model: string, alias: string): Promise<AliasMove[]>;
  /** Every move of every alias of the model, oldest first. */
  modelAliasMoves(model: string): Promise<AliasMove[]>;
  /** Versions of the model whose lineage.parent_digest is `digest`. */
  childVersions(model: string, digest: string): Promise<VersionRecord[]>;

  listAudit(filter: { model?: string; limit?: number; before_id?: number }): Promise<AuditEntry[]>;

  addEvaluation(input: NewEvaluation, by: Actor): Promise<EvaluationRecord>;
  listEvaluations(model: string, digest: string): Promise<EvaluationRecord[]>;
  recordVerdict(input: NewVerdict, by: Actor): Promise<VerdictRecord>;
  getVerdict(id: string): Promise<VerdictRecord | undefined>;
  listVerdicts(model: string, digest?: string): Promise<VerdictRecord[]>;

  /**
   * Appends a baseline to the model's history, under the model's row lock (so it serializes with
   * promotions); `created: false` when it equals the current one.
   */
  recordBaseline(input: NewBaseline, by: Actor): Promise<{ baseline: BaselineRecord; created: boolean }>;
  currentBaseline(model: string): Promise<BaselineRecord | undefined>;
  /** Oldest first. */
  baselineHistory(model: string): Promise<BaselineRecord[]>;
  /** Per-item outcomes by their digest (a baseline's or a verdict's). */
  getOutcomes(digest: string): Promise<ItemOutcome[] | undefined>;

  /** Idempotent by rollup_id: a repeated rollup is ignored (`created: false`). */
  recordUsage(input: UsageRollup): Promise<{ created: boolean }>;
  /** One summary row per version that served, most recently served first then by digest (descending), a page at a time. */
  listServed(model: string, page?: ServedFilter): Promise<ServedPage>;
  servedVersion(model: string, digest: string): Promise<ServedVersion | undefined>;
  /** The summary rows of these digests (those that served), most recently served first. */
  servedOf(model: string, digests: readonly string[]): Promise<ServedVersion[]>;

  getTrafficPlan(model: string): Promise<TrafficPlanRecord | undefined>;
  putTrafficPlan(input: PutTrafficPlanInput, by: Actor): Promise<TrafficPlanRecord>;
  trafficPlanHistory(model: string): Promise<TrafficPlanChange[]>;

  /** Unpublished outbox rows in commit order (id order), at most `limit`. */
  pendingEvents(limit: number): Promise<OutboxEvent[]>;
  markPublished(ids: number[]): Promise<void>;
  /** Deletes outbox rows published before `cutoff` (never an unpublished one); how many went. */
  prunePublishedEvents(cutoff: Date): Promise<number>;
  /** Calls `listener` after every commit, in this process, that wrote an event; returns an unsubscribe. */
  onEventsCommitted(listener: () => void): () => void;
}
