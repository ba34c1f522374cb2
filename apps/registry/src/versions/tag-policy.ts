import type { Principal } from '@lynx/platform';
import { UPSTREAM_TAGS, type UpstreamAllowlist } from '@lynx/platform';
import { ForbiddenError, TagLimitExceededError, UpstreamNotAllowedError, ValidationError, roleAtLeast } from '@lynx/schema';

/** Nest provider token of the registry's UpstreamRules (see loadUpstreamRules). */
export const UPSTREAM_RULES = 'LYNX_REGISTRY_UPSTREAM_RULES';

/** Bounds on a version's tags: enough for labels and upstreams, not a key-value store. */
export const TAG_LIMITS = { count: 64, keyChars: 128, valueChars: 4096 } as const;

/** Tag keys: a letter or digit, then letters, digits, `.`, `_`, `-`, `/`. */
const KEY_RE = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
// C0 controls and DEL: a tag is shown in tables and logs, where they would forge lines.
const CONTROL_RE = /[\u0000-\u001f\u007f]/;
/** Keys Lynx itself reads to decide (e.g. `lynx.price`): only an admin writes them. */
export const RESERVED_TAG_PREFIX = 'lynx.';
/** Tag keys under this prefix name where the router sends traffic: operators only. */
const UPSTREAM_PREFIX = 'upstream.';

/**
 * Every rule a tag write must pass, in one place (registration and the tag-edit route), checked
 * before anything is stored. `written` maps each key being written to its new value (null: being
 * removed); `after` is the whole set the version would hold.
 * - at most TAG_LIMITS.count tags, keys and values within their sizes (400 tag_limit_exceeded);
 * - keys of A-Z a-z 0-9 . _ - /, values without control characters (400 validation_failed);
 * - `lynx.*` keys only from `admin`; `upstream.*` keys only from `operator` or above (403): they
 *   decide prices and where users' prompts go;
 * - `upstream.base_url` an http(s) URL on the allowlist (400 upstream_not_allowed), checked again
 *   when the router resolves it.
 */
export function checkTagWrite(
  written: Readonly<Record<string, string | null>>,
  after: Readonly<Record<string, string>>,
  who: Principal,
  allowed: UpstreamAllowlist,
): void {
  const count = Object.keys(after).length;
  if (count > TAG_LIMITS.count) {
    throw new TagLimitExceededError(`a version holds at most ${TAG_LIMITS.count} tags; got ${count}`, { count, max: TAG_LIMITS.count });
  }
  const issues: Array<{ path: string; code: string; message: string }> = [];
  for (const [key, value] of Object.entries(written)) {
    if (key.length === 0 || key.length > TAG_LIMITS.keyChars) {
      throw new TagLimitExceededError(`tag keys are 1-${TAG_LIMITS.keyChars} characters; ${JSON.stringify(key.slice(0, 40))} is ${key.length}`, { key: key.slice(0, 200), max: TAG_LIMITS.keyChars });
    }
    if (value !== null && value.length > TAG_LIMITS.valueChars) {
      throw new TagLimitExceededError(`tag values are at most ${TAG_LIMITS.valueChars} characters; ${key} is ${value.length}`, { key, max: TAG_LIMITS.valueChars });
    }
    if (!KEY_RE.test(key)) issues.push({ path: key, code: 'invalid_key', message: 'a tag key is A-Z a-z 0-9 . _ - /, starting with a letter or digit' });
    else if (value !== null && CONTROL_RE.test(value)) issues.push({ path: key, code: 'control_character', message: 'a tag value holds no control characters' });
  }
  if (issues.length) throw new ValidationError(`invalid tags: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  const keys = Object.keys(written);
  const reserved = keys.filter((k) => k.startsWith(RESERVED_TAG_PREFIX));
  if (reserved.length && !roleAtLeast(who.role, 'admin')) {
    throw new ForbiddenError(`tags ${reserved.join(', ')} are reserved to Lynx (${RESERVED_TAG_PREFIX}*): only role admin writes them; ${who.name} has ${who.role}`, {
      reserved,
      required: 'admin',
      role: who.role,
    });
  }
  const upstreamKeys = keys.filter((k) => k.startsWith(UPSTREAM_PREFIX));
  if (upstreamKeys.length && !roleAtLeast(who.role, 'operator')) {
    throw new ForbiddenError(`role operator required to set ${upstreamKeys.join(', ')}; ${who.name} has ${who.role}`, { required: 'operator', role: who.role, tags: upstreamKeys });
  }
  const url = written[UPSTREAM_TAGS.baseUrl];
  if (typeof url === 'string' && !allowed.allows(url)) throw new UpstreamNotAllowedError(url, allowed.entries);
}
