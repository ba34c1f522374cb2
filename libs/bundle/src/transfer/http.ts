// The registry's REST API as the transfer functions need it: bearer token, JSON bodies, and
// the registry's `{error: {code, message, details}}` turned back into a LynxError.
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { LynxError, UpstreamUnavailableError, type ErrorCode } from '@lynx/schema';

export interface RegistryEndpoint {
  /** Base URL of the registry, e.g. LYNX_REGISTRY_URL. */
  url: string;
  /** Bearer token (LYNX_TOKEN); omitted when the registry runs with auth off. */
  token?: string;
}

export const modelPath = (model: string) => `/v1/models/${encodeURIComponent(model)}`;

export async function send(
  registry: RegistryEndpoint,
  method: Dispatcher.HttpMethod,
  path: string,
  init: { body?: string | Buffer | Readable; headers?: Record<string, string> } = {},
): Promise<Dispatcher.ResponseData> {
  const base = registry.url.replace(/\/+$/, '');
  try {
    return await request(`${base}${path}`, {
      method,
      headers: { ...(registry.token ? { authorization: `Bearer ${registry.token}` } : {}), ...init.headers },
      body: init.body,
      // Big blobs take as long as they take; the registry's own limits bound them.
      headersTimeout: 30_000,
      bodyTimeout: 0,
    });
  } catch (err) {
    // An error the request body raised (a file that changed while it was pushed) is not the transport's.
    if (err instanceof LynxError) throw err;
    throw new UpstreamUnavailableError(`cannot reach the registry at ${base}: ${(err as Error).message}`, { url: base });
  }
}

/** Reads an error answer into a LynxError carrying the registry's code, status and details. */
export async function registryError(res: Dispatcher.ResponseData, what: string): Promise<LynxError> {
  const text = await res.body.text();
  let body: { error?: { code?: string; message?: string; details?: unknown } } = {};
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the status and the text */
  }
  const code = (body.error?.code ?? (res.statusCode >= 500 ? 'upstream_unavailable' : `http_${res.statusCode}`)) as ErrorCode;
  return new LynxError(code, body.error?.message ?? `${what}: the registry answered ${res.statusCode} ${text.slice(0, 200)}`, res.statusCode, body.error?.details);
}

export async function sendJson<T>(registry: RegistryEndpoint, method: Dispatcher.HttpMethod, path: string, body?: unknown): Promise<T> {
  const res = await send(registry, method, path, body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  if (res.statusCode >= 400) throw await registryError(res, `${method} ${path}`);
  return (await res.body.json()) as T;
}
