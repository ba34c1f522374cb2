import type { Principal } from '@lynx/platform';
import { UPSTREAM_TAGS, type UpstreamAllowlist } from '@lynx/platform';
import { ForbiddenError, TagLimitExceededError, UpstreamNotAllowedError, roleAtLeast } from '@lynx/schema';

/** Nest provider token of the registry's UpstreamRules (see loadUpstreamRules). */
export const UPSTREAM_RULES = 'LYNX_REGISTRY_UPSTREAM_RULES';

/** Bounds on a version's tags: enough for labels and upstreams, not a key-value store. */
export const TAG_LIMITS = { count: 64, keyChars: 128, valueChars: 4096 } as const;

/** Tag keys under this prefix name where the router sends traffic: operators only. */
const UPSTREAM_PREFIX = 'upstream.';

/**
 * Every rule a tag write must pass, in one place (registration, and any route that edits tags):
 * - at most TAG_LIMITS.count tags, keys and values within their sizes (400 tag_limit_exceeded);
 * - `upstream.*` keys only from `operator` or above (403): they decide where users' prompts go;
 * - `upstream.base_url` an http(s) URL on the allowlist (400 upstream_not_allowed), checked again
 *   when the router resolves it.
 * `tags` is the whole set the version would hold after the write.
 */
export function checkTagWrite(tags: Readonly<Record<string, string>>, who: Principal, allowed: UpstreamAllowlist): void {
  const entries = Object.entries(tags);
  if (entries.length > TAG_LIMITS.count) {
    throw new TagLimitExceededError(`a version holds at most ${TAG_LIMITS.count} tags; got ${entries.length}`, { count: entries.length, max: TAG_LIMITS.count });
  }
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > TAG_LIMITS.keyChars) {
      throw new TagLimitExceededError(`tag keys are 1-${TAG_LIMITS.keyChars} characters; ${JSON.stringify(key.slice(0, 40))} is ${key.length}`, { key: key.slice(0, 200), max: TAG_LIMITS.keyChars });
    }
    if (value.length > TAG_LIMITS.valueChars) {
      throw new TagLimitExceededError(`tag values are at most ${TAG_LIMITS.valueChars} characters; ${key} is ${value.length}`, { key, max: TAG_LIMITS.valueChars });
    }
  }
  const upstreamKeys = entries.map(([k]) => k).filter((k) => k.startsWith(UPSTREAM_PREFIX));
  if (upstreamKeys.length && !roleAtLeast(who.role, 'operator')) {
    throw new ForbiddenError(`role operator required to set ${upstreamKeys.join(', ')}; ${who.name} has ${who.role}`, { required: 'operator', role: who.role, tags: upstreamKeys });
  }
  const url = tags[UPSTREAM_TAGS.baseUrl];
  if (url !== undefined && !allowed.allows(url)) throw new UpstreamNotAllowedError(url, allowed.entries);
}
