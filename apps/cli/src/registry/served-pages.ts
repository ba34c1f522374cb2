/** A page of the registry's `GET /v1/models/{name}/served`. */
interface ServedPage {
  versions?: unknown[];
  next_cursor?: string | null;
}

/**
 * Every row of a model's `served` answer, following `next_cursor` page by page (the registry
 * pages it, newest served first). `get` performs the GET with the caller's client and auth.
 */
export async function allServed<T>(get: (path: string) => Promise<unknown>, model: string, limit = 1000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = (await get(`/v1/models/${encodeURIComponent(model)}/served?limit=${limit}${q}`)) as ServedPage;
    out.push(...((page.versions ?? []) as T[]));
    cursor = page.next_cursor ?? null;
  } while (cursor);
  return out;
}
