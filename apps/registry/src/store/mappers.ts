import type { Selectable } from 'kysely';
import type { AliasHistoryTable, AuditTable, EvaluationsTable, VerdictsTable, VersionsTable } from './db';
import type {
  AliasMove,
  AuditEntry,
  EvaluationRecord,
  Lineage,
  MoveKind,
  VerdictRecord,
  VersionRecord,
  VersionStatus,
} from './registry-store';

// Rows → API records. Timestamps leave as ISO strings, int8 as numbers.

export const iso = (value: Date | string): string => new Date(value).toISOString();

export const json = (value: unknown): string => JSON.stringify(value ?? null);

export function toVersion(row: Omit<Selectable<VersionsTable>, 'manifest' | 'created_at'> & { created_at: Date | string }, aliases: string[]): VersionRecord {
  return {
    model: row.model,
    digest: row.digest,
    semver: row.semver,
    status: row.status as VersionStatus,
    size: Number(row.size),
    file_count: row.file_count,
    lineage: row.lineage as Lineage,
    metrics: (row.metrics ?? {}) as Record<string, number>,
    tags: (row.tags ?? {}) as Record<string, string>,
    description: row.description,
    aliases,
    created_at: iso(row.created_at),
    created_by: row.created_by,
  };
}

export function toMove(row: Selectable<AliasHistoryTable>): AliasMove {
  return {
    id: Number(row.id),
    model: row.model,
    alias: row.alias,
    kind: row.kind as MoveKind,
    from_digest: row.from_digest,
    to_digest: row.to_digest,
    actor: row.actor,
    role: row.role,
    reason: row.reason,
    verdict_id: row.verdict_id,
    semver: row.semver,
    at: iso(row.at),
  };
}

export function toAudit(row: Selectable<AuditTable>): AuditEntry {
  return {
    id: Number(row.id),
    at: iso(row.at),
    actor: row.actor,
    role: row.role,
    action: row.action,
    model: row.model,
    digest: row.digest,
    reason: row.reason,
    before: row.before ?? null,
    after: row.after ?? null,
  };
}

export function toEvaluation(row: Selectable<EvaluationsTable>): EvaluationRecord {
  return {
    id: row.id,
    model: row.model,
    digest: row.digest,
    eval_set_digest: row.eval_set_digest,
    result: row.result,
    created_at: iso(row.created_at),
    created_by: row.created_by,
  };
}

export function toVerdict(row: Selectable<VerdictsTable>): VerdictRecord {
  return {
    id: row.id,
    model: row.model,
    digest: row.digest,
    passed: row.passed,
    baseline_digest: row.baseline_digest,
    eval_set_digest: row.eval_set_digest,
    buckets: row.buckets,
    bootstrap: row.bootstrap,
    tolerance_pp: row.tolerance_pp,
    reason: row.reason ?? undefined,
    created_at: iso(row.created_at),
    created_by: row.created_by,
    source: (row.source ?? null) as VerdictRecord['source'],
    outcomes_digest: row.outcomes_digest ?? null,
    registered_baseline_digest: row.registered_baseline_digest ?? null,
    decision: row.decision ?? null,
  };
}
