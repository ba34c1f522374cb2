import type { ColumnType, Generated } from 'kysely';

// Table shapes as Kysely sees them. int8 columns are parsed to numbers on both backends
// (see open-store.ts); sums (numeric) still arrive as strings and go through Number().
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;
type Int8 = number;

export interface ModelsTable {
  name: string;
  created_at: Timestamp;
}

export interface VersionsTable {
  seq: Generated<Int8>;
  model: string;
  digest: string;
  semver: string | null;
  status: string;
  size: Int8;
  file_count: number;
  manifest: Json;
  lineage: Json;
  metrics: Json;
  tags: Json;
  description: string | null;
  created_at: Timestamp;
  created_by: string;
}

export interface AliasesTable {
  model: string;
  alias: string;
  digest: string;
  updated_at: Timestamp;
}

export interface AliasHistoryTable {
  id: Generated<Int8>;
  model: string;
  alias: string;
  kind: string;
  from_digest: string | null;
  to_digest: string;
  actor: string;
  role: string;
  reason: string;
  verdict_id: string | null;
  semver: string | null;
  at: Timestamp;
}

export interface AuditTable {
  id: Generated<Int8>;
  at: Timestamp;
  actor: string;
  role: string;
  action: string;
  model: string | null;
  digest: string | null;
  reason: string | null;
  before: Json | null;
  after: Json | null;
}

export interface EvaluationsTable {
  id: string;
  model: string;
  digest: string;
  eval_set_digest: string;
  result: Json;
  created_at: Timestamp;
  created_by: string;
}

export interface VerdictsTable {
  id: string;
  model: string;
  digest: string;
  passed: boolean;
  baseline_digest: string | null;
  eval_set_digest: string;
  buckets: Json;
  bootstrap: boolean;
  tolerance_pp: number | null;
  reason: string | null;
  created_at: Timestamp;
  created_by: string;
  source: string | null;
  outcomes_digest: string | null;
  registered_baseline_digest: string | null;
  decision: Json | null;
}

export interface UsageRollupsTable {
  rollup_id: string;
  model: string;
  digest: string;
  role: string;
  window_start: Timestamp;
  window_end: Timestamp;
  first_served_at: Timestamp;
  last_served_at: Timestamp;
  requests: Int8;
  errors: Int8;
  prompt_tokens: Int8;
  completion_tokens: Int8;
  cost_usd: number;
  usage_estimated: boolean;
  received_at: Timestamp;
}

export interface TrafficPlansTable {
  model: string;
  revision: number;
  plan: Json;
  updated_at: Timestamp;
  updated_by: string;
}

export interface TrafficPlanHistoryTable {
  id: Generated<Int8>;
  model: string;
  revision: number;
  plan: Json;
  actor: string;
  role: string;
  reason: string | null;
  at: Timestamp;
}

export interface ServingSummaryTable {
  model: string;
  digest: string;
  rollups: Int8;
  requests: Int8;
  errors: Int8;
  prompt_tokens: Int8;
  completion_tokens: Int8;
  cost_usd: number;
  first_served_at: Timestamp;
  last_served_at: Timestamp;
}

export interface OutboxTable {
  id: Generated<Int8>;
  event_id: string;
  subject: string;
  payload: Json;
  created_at: Timestamp;
  published_at: Timestamp | null;
}

export interface OutcomeSetsTable {
  digest: string;
  items: Json;
  item_count: number;
  created_at: Timestamp;
}

export interface BaselinesTable {
  id: Generated<Int8>;
  model: string;
  digest: string;
  previous_digest: string | null;
  eval_set_digest: string;
  model_digest: string | null;
  outcomes_digest: string;
  tolerance: number;
  alpha: number;
  buckets: Json;
  actor: string;
  role: string;
  reason: string;
  at: Timestamp;
}

export interface Database {
  models: ModelsTable;
  versions: VersionsTable;
  aliases: AliasesTable;
  alias_history: AliasHistoryTable;
  audit: AuditTable;
  evaluations: EvaluationsTable;
  verdicts: VerdictsTable;
  usage_rollups: UsageRollupsTable;
  traffic_plans: TrafficPlansTable;
  traffic_plan_history: TrafficPlanHistoryTable;
  serving_summary: ServingSummaryTable;
  outbox: OutboxTable;
  outcome_sets: OutcomeSetsTable;
  baselines: BaselinesTable;
}
