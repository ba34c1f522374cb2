/**
 * A trigger's cooldown as a configured duration: after a trigger of this kind fired for the model,
 * it does not fire again before `cooldownMs` has passed. Held triggers are not queued at all.
 */
export function triggerCooldown(input: { lastFiredAt: number | null; cooldownMs: number; now: number }): { held: boolean; until: number | null } {
  if (!(input.cooldownMs >= 0)) throw new RangeError(`triggerCooldown: cooldownMs must be >= 0, got ${String(input.cooldownMs)}`);
  if (input.lastFiredAt === null) return { held: false, until: null };
  const until = input.lastFiredAt + input.cooldownMs;
  return { held: input.now < until, until };
}

export type TriggerKind = 'drift' | 'performance' | 'volume' | 'schedule';

/**
 * The BullMQ job id of a trigger: kind, model, the version's digest (16 hex) and what fired it
 * (the report id, the cooldown period, the volume milestone count or the cron occurrence), so a
 * re-evaluation of the same event enqueues nothing new. BullMQ ids may not hold ':'.
 */
export function triggerJobId(kind: TriggerKind, model: string, digest: string, key: string | number): string {
  return `${kind}-${model}-${digest.replace(/^sha256:/, '').slice(0, 16)}-${String(key).replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}
