import type { RegistryClient } from '@lynx/registry-client';
import { versionAccuracy, type LiveUsage, type LiveUsageVersion, type ServedVersion } from '@lynx/schema';

/**
 * Every row of a model's `served` answer, following `next_cursor` page by page (the registry
 * pages it, newest served first).
 */
export async function allServed(client: Pick<RegistryClient, 'served'>, model: string, limit = 1000): Promise<ServedVersion[]> {
  const out: ServedVersion[] = [];
  let cursor: string | null = null;
  do {
    const page = await client.served(model, { limit, cursor });
    out.push(...page.versions);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

/** A served row with the cost emitter's not-yet-flushed usage of the same version, if any. */
export type ServedRow = Omit<ServedVersion, 'first_served' | 'last_served'> & {
  first_served: string | null;
  last_served: string | null;
  provisional: LiveUsageVersion | null;
};

/**
 * The registry's served rows, each with its provisional usage, then the versions only the cost
 * emitter has seen so far (served within the open window), most recently served first; their
 * semver and accuracy are read from the registry.
 */
export async function servedRows(
  client: Pick<RegistryClient, 'findVersion'>,
  model: string,
  served: readonly ServedVersion[],
  live: LiveUsage | undefined,
): Promise<ServedRow[]> {
  const liveBy = new Map((live?.versions ?? []).map((l) => [l.digest, l]));
  const rows: ServedRow[] = served.map((s) => ({ ...s, provisional: liveBy.get(s.digest) ?? null }));
  const known = new Set(served.map((s) => s.digest));
  const only = (live?.versions ?? []).filter((l) => !known.has(l.digest));
  const fresh = await Promise.all(
    only.map(async (l): Promise<ServedRow> => {
      const v = await client.findVersion(model, l.digest).catch(() => undefined);
      return {
        digest: l.digest,
        semver: v?.semver ?? null,
        first_served: l.first_served,
        last_served: l.last_served,
        requests: 0,
        errors: 0,
        tokens: 0,
        latest_accuracy: v ? versionAccuracy(v) : null,
        cost_per_1k_tokens: null,
        provisional: l,
      };
    }),
  );
  return [...fresh, ...rows];
}
