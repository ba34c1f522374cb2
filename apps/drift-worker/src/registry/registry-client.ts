import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pullBundle } from '@lynx/bundle';
import { LynxError, ERROR_CODES, NotFoundError, type Lineage, type ManifestFile } from '@lynx/schema';

/** The part of a registry version the drift worker reads. */
export interface RegistryVersion {
  model: string;
  digest: string;
  lineage: Lineage;
  tags?: Record<string, string>;
  /** Gate evaluations recorded for the version, oldest first (GET version includes them). */
  evaluations?: Array<{ result: unknown; created_at?: string }>;
}

export interface RegisterInput {
  /** Bundle directory; every file is uploaded as a blob first. */
  dir: string;
  files: ManifestFile[];
  lineage: Lineage;
  metrics?: Record<string, number>;
  tags?: Record<string, string>;
  description?: string;
}

/** What the drift worker needs from the registry (REST). */
export interface RegistryClient {
  getVersion(model: string, ref: string): Promise<RegistryVersion>;
  register(model: string, input: RegisterInput): Promise<RegistryVersion>;
  /** Downloads a version's bundle into `dir` (verified against its digest). */
  pull(model: string, ref: string, dir: string): Promise<string>;
}

/** The registry over HTTP with a bearer token (LYNX_TOKEN; registering needs role trainer). */
export class HttpRegistryClient implements RegistryClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...extra };
  }

  private async request(method: string, path: string, body?: unknown, raw?: Buffer): Promise<Response> {
    const url = new URL(path, this.baseUrl).toString();
    try {
      return await fetch(url, {
        method,
        headers: this.headers(raw ? { 'content-type': 'application/octet-stream' } : body ? { 'content-type': 'application/json' } : {}),
        body: raw ?? (body ? JSON.stringify(body) : undefined),
      });
    } catch (err) {
      throw new LynxError(ERROR_CODES.upstreamUnavailable, `registry unreachable at ${this.baseUrl}: ${(err as Error).message}`, 502);
    }
  }

  private async fail(res: Response, what: string): Promise<never> {
    const text = await res.text();
    let detail = text;
    try {
      detail = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
    } catch {
      // not JSON: keep the text
    }
    if (res.status === 404) throw new NotFoundError(`${what}: ${detail}`);
    throw new LynxError(ERROR_CODES.upstreamUnavailable, `registry answered ${res.status} to ${what}: ${detail}`, 502);
  }

  async getVersion(model: string, ref: string): Promise<RegistryVersion> {
    const res = await this.request('GET', `/v1/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(ref)}`);
    if (!res.ok) return this.fail(res, `version ${model}@${ref}`);
    return (await res.json()) as RegistryVersion;
  }

  async pull(model: string, ref: string, dir: string): Promise<string> {
    return (await pullBundle({ url: this.baseUrl, token: this.token }, model, ref, dir)).digest;
  }

  async register(model: string, input: RegisterInput): Promise<RegistryVersion> {
    for (const f of input.files) {
      const res = await this.request('PUT', `/v1/blobs/${f.digest}`, undefined, await readFile(join(input.dir, f.path)));
      if (!res.ok) return this.fail(res, `blob ${f.digest}`);
    }
    const body = { manifest: { files: input.files }, lineage: input.lineage, metrics: input.metrics, tags: input.tags, description: input.description };
    const res = await this.request('POST', `/v1/models/${encodeURIComponent(model)}/versions`, body);
    if (!res.ok) return this.fail(res, `register ${model}`);
    return (await res.json()) as RegistryVersion;
  }
}
