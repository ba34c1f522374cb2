/** One move of an alias, as GET /v1/models/{name}/aliases/{alias}/history lists it. */
export interface MoveLike {
  kind: string;
  from_digest: string | null;
  to_digest: string;
  actor: string;
  reason: string;
  semver: string | null;
  at: string;
}

export interface ServedLike {
  digest: string;
  semver: string | null;
  first_served: string;
  last_served: string;
  requests: number;
}

export interface PlanChangeLike {
  revision: number;
  plan: unknown;
  updated_at: string;
  updated_by: string;
  reason?: string | null;
}

export interface AtTime {
  at: string;
  /** The production alias as it stood at `at`, with the move that put it there; null before the first. */
  production: { digest: string; semver: string | null; since: string; by: string; kind: string; reason: string } | null;
  /** Versions whose serving (first to last served) spans `at`: what answered users then. */
  served: ServedLike[];
  /** The traffic plan in force at `at`, if any was stored by then. */
  plan: PlanChangeLike | null;
}

/**
 * "What was production, and what served, at this moment": the last production move at or before
 * `at`, the versions whose served interval contains it, and the plan revision then in force.
 * A version's served interval is [first_served, last_served] from the usage rollups, so a version
 * that served on and off counts over its gaps too; the plan says which versions could serve.
 */
export function atTime(at: string, moves: MoveLike[], served: ServedLike[], plans: PlanChangeLike[]): AtTime {
  const t = Date.parse(at);
  const before = moves.filter((m) => Date.parse(m.at) <= t).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const last = before.at(-1);
  const plan = plans.filter((p) => Date.parse(p.updated_at) <= t).sort((a, b) => a.revision - b.revision).at(-1) ?? null;
  return {
    at: new Date(t).toISOString(),
    production: last ? { digest: last.to_digest, semver: last.semver, since: last.at, by: last.actor, kind: last.kind, reason: last.reason } : null,
    served: served.filter((s) => Date.parse(s.first_served) <= t && t <= Date.parse(s.last_served)),
    plan,
  };
}
