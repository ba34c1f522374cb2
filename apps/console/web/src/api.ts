// The pages' one way to the console server: same-origin, the session cookie rides along; the
// token itself never reaches this code.

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(method === 'GET' ? {} : { 'x-lynx-console': '1' }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const json = await res.json().catch(() => undefined);
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/session') window.dispatchEvent(new Event('lynx:signed-out'));
    throw new ApiError(res.status, json?.error?.code ?? `http_${res.status}`, json?.error?.message ?? res.statusText);
  }
  return json as T;
}

export const api = {
  get: <T = any>(path: string) => request<T>('GET', path),
  post: <T = any>(path: string, body: unknown) => request<T>('POST', path, body),
  del: (path: string) => request<void>('DELETE', path),
};

export const enc = encodeURIComponent;
