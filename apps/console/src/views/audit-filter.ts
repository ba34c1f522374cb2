export interface AuditLike {
  id: number;
  at: string;
  actor: string;
  action: string;
  model: string | null;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  since?: string;
  until?: string;
}

/** The registry filters audit entries by model; actor, action and time are filtered here. */
export function filterAudit<T extends AuditLike>(entries: T[], q: AuditQuery): T[] {
  const since = q.since ? Date.parse(q.since) : -Infinity;
  const until = q.until ? Date.parse(q.until) : Infinity;
  return entries.filter((e) => {
    const t = Date.parse(e.at);
    return (!q.actor || e.actor === q.actor) && (!q.action || e.action === q.action) && t >= since && t <= until;
  });
}
