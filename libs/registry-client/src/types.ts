import type { AliasMove, Lineage, ManifestFile, TrafficPlan } from '@lynx/schema';
export type { AliasMove, AuditEntry, PutTrafficBody } from '@lynx/schema';

// What the registry answers, as its callers read it. Request bodies are libs/schema's types; the
// answers carry more fields than listed here, which callers may read through the index signature.

export interface ModelSummary {
  name: string;
  version_count?: number;
  production_digest?: string | null;
  latest_digest?: string | null;
  [key: string]: unknown;
}

export interface VersionEvaluation {
  result: unknown;
  created_at?: string;
  [key: string]: unknown;
}

/** GET /v1/models/{model}/versions/{ref}: one version with its aliases and evaluations. */
export interface VersionRecord {
  model: string;
  digest: string;
  semver: string | null;
  aliases: string[];
  tags: Record<string, string>;
  metrics: Record<string, number>;
  lineage: Lineage & Record<string, unknown>;
  description?: string | null;
  status?: string;
  size?: number;
  created_at?: string;
  created_by?: string;
  evaluations?: VersionEvaluation[];
  [key: string]: unknown;
}

/** A page of a listing; next_cursor null on the last one. */
export interface VersionPage {
  items: VersionRecord[];
  next_cursor: string | null;
}

export interface ManifestAnswer {
  digest?: unknown;
  files?: unknown;
}

/** PATCH …/tags: the tags before and after the edit, and the keys that changed. */
export interface TagsAnswer {
  model: string;
  digest: string;
  tags: Record<string, string>;
  before: Record<string, string>;
  changed: string[];
}

/** GET /v1/traffic/{model}; revision 0 = none stored, production serves. */
export interface TrafficRecord {
  model: string;
  revision: number;
  plan: TrafficPlan;
  updated_at: string | null;
  updated_by: string | null;
}

export interface TrafficChange {
  model: string;
  revision: number;
  plan: TrafficPlan;
  updated_at: string;
  updated_by: string;
  role: string;
  reason: string | null;
}


/** POST promote / rollback: where production points now, and the move; semver on a promote. */
export interface AliasMoveAnswer {
  model: string;
  alias: string;
  digest: string;
  semver?: string;
  move: AliasMove;
}

export interface BaselineSummary {
  digest: string;
  eval_set_digest: string;
  outcomes_digest: string;
  [key: string]: unknown;
}

export interface VerdictAnswer {
  id: string;
  passed: boolean;
  [key: string]: unknown;
}

export type { ManifestFile };
