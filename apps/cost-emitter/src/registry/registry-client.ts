import { request } from 'undici';
import { versionAccuracy, type UsageRollupRequest } from '@lynx/schema';

/** A version as the cost emitter and `lynx costs` read it from the registry (extra fields ignored). */
export interface RegistryVersion {
  digest: string;
  semver: string | null;
  aliases: string[];
  tags: Record<string, string>;
  metrics: Record<string, number>;
  /** Newest evaluation's overall accuracy (else metrics.accuracy); null when neither is known. */
  accuracy: number | null;
}

export class RegistryHttpError extends Error {
  constructor(readonly status: number, readonly body: string, what: string) {
    super(`registry answered ${status} to ${what}: ${body.slice(0, 300)}`);
    this.name = 'RegistryHttpError';
  }
}

/**
 * Plain REST client of the registry (LYNX_REGISTRY_URL, bearer LYNX_TOKEN). The cost emitter
 * needs a version's tags/semver/accuracy and posts usage rollups; nothing more.
 */
export class RegistryClient {
  constructor(private readonly baseUrl: string, private readonly token?: string, private readonly timeoutMs = 5000) {}

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await request(new URL(path, this.baseUrl), {
      method,
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    const text = await res.body.text();
    if (res.statusCode >= 400) throw new RegistryHttpError(res.statusCode, text, `${method} ${path}`);
    return { status: res.statusCode, json: text ? JSON.parse(text) : undefined };
  }

  /** One version by reference; undefined when the registry does not know it (404). */
  async version(model: string, ref: string): Promise<RegistryVersion | undefined> {
    try {
      const { json } = await this.call('GET', `/v1/models/${enc(model)}/versions/${enc(ref)}`);
      return toVersion(json);
    } catch (err) {
      if (err instanceof RegistryHttpError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** Every version of a model, following the cursor. */
  async versions(model: string): Promise<RegistryVersion[]> {
    const out: RegistryVersion[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `?cursor=${enc(cursor)}` : '';
      const { json } = await this.call('GET', `/v1/models/${enc(model)}/versions${q}`);
      const page = json as { items?: unknown[]; next_cursor?: string | null } | unknown[];
      const items = Array.isArray(page) ? page : (page.items ?? []);
      out.push(...items.map(toVersion));
      cursor = Array.isArray(page) ? null : (page.next_cursor ?? null);
    } while (cursor);
    return out;
  }

  /** POST a usage rollup; the registry ignores a rollup id it already has. */
  async postUsage(model: string, digest: string, body: UsageRollupRequest): Promise<number> {
    const { status } = await this.call('POST', `/v1/models/${enc(model)}/versions/${enc(digest)}/usage`, body);
    return status;
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/**
 * A version as `GET …/versions/{ref}` returns it (with its evaluations). Accuracy for CpQU is
 * versionAccuracy's, whether or not the version ever served.
 */
export function toVersion(raw: unknown): RegistryVersion {
  const v = raw as Record<string, unknown>;
  const metrics = (v.metrics ?? {}) as Record<string, number>;
  return {
    digest: String(v.digest),
    semver: (v.semver as string | null | undefined) ?? null,
    aliases: (v.aliases as string[] | undefined) ?? [],
    tags: (v.tags as Record<string, string> | undefined) ?? {},
    metrics,
    accuracy: versionAccuracy(v),
  };
}

