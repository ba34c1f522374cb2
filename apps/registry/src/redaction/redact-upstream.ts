import { HIDDEN_TAG_VALUE } from '@lynx/platform';
import { roleAtLeast, type Role } from '@lynx/schema';

/** Tag keys under this prefix name where the router sends prompts (internal URLs, model names). */
export const UPSTREAM_KEY_PREFIX = 'upstream.';
/** The least role that sees upstream values: the one that may set them. */
export const SEES_UPSTREAMS: Role = 'operator';

/** True when `role` (undefined: no principal, a public route) must not see upstream values. */
export function hidesUpstreams(role: Role | undefined): boolean {
  return role === undefined || !roleAtLeast(role, SEES_UPSTREAMS);
}

/**
 * A copy of a response body where every property named `upstream.*` holding a string reads
 * HIDDEN_TAG_VALUE. It matches on the key wherever it sits, so a version's `tags`, an audit entry's
 * `before`/`after` and any future shape that carries tags are covered alike. The key stays, so a
 * reader still learns that a version has an upstream (it can be routed), not where it points.
 */
export function redactUpstreams<T>(value: T): T {
  return redact(value) as T;
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object' || !isPlain(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = key.startsWith(UPSTREAM_KEY_PREFIX) && typeof v === 'string' ? HIDDEN_TAG_VALUE : redact(v);
  }
  return out;
}

// Buffers, streams and dates pass through untouched: only JSON-shaped objects carry tags.
function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
