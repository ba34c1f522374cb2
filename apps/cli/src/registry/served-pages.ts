import type { ServedResponse, ServedVersion } from '@lynx/schema';

/**
 * Every row of a model's `served` answer, following `next_cursor` page by page (the registry
 * pages it, newest served first). `get` performs the GET with the caller's client and auth.
 */
export async function allServed(get: (path: string) => Promise<unknown>, model: string, limit = 1000): Promise<ServedVersion[]> {
  const out: ServedVersion[] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = (await get(`/v1/models/${encodeURIComponent(model)}/served?limit=${limit}${q}`)) as ServedResponse;
    out.push(...page.versions);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}
