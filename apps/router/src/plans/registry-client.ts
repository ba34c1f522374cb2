import { Agent, request } from 'undici';
import { ERROR_CODES, LynxError, UpstreamUnavailableError, type TrafficPlan } from '@lynx/schema';
import type { VersionInfo } from '@lynx/platform';

/** The registry's stored plan (GET /v1/traffic/{model}); revision 0 = none stored, serve production. */
export interface TrafficRecord {
  model: string;
  revision: number;
  plan: TrafficPlan;
  updated_at: string | null;
  updated_by: string | null;
}

export interface PutTrafficBody {
  plan: TrafficPlan;
  expected_revision?: number;
  reason?: string;
  /** admin only: serve arms without a passing gate verdict, for this stated reason (the registry audits it). */
  override_verdicts?: { reason: string };
}

/** The registry REST calls the router makes. Registry errors keep their status and code. */
export class RegistryClient {
  private readonly agent = new Agent({ connections: 8, keepAliveTimeout: 10_000 });

  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
    private readonly timeoutMs = 3000,
  ) {}

  listModels(): Promise<{ models: Array<{ name: string }> }> {
    return this.call('GET', '/v1/models');
  }

  getTraffic(model: string): Promise<TrafficRecord> {
    return this.call('GET', `/v1/traffic/${encodeURIComponent(model)}`);
  }

  getVersion(model: string, ref: string): Promise<VersionInfo & { aliases: string[] }> {
    return this.call('GET', `/v1/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(ref)}`);
  }

  /** Stores a plan; `authorization` is the caller's, so the registry checks and audits the real operator. */
  putTraffic(model: string, body: PutTrafficBody, authorization?: string): Promise<TrafficRecord> {
    return this.call('PUT', `/v1/traffic/${encodeURIComponent(model)}`, body, authorization);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async call<T>(method: 'GET' | 'PUT', path: string, body?: unknown, authorization?: string): Promise<T> {
    const auth = authorization ?? (this.token ? `Bearer ${this.token}` : undefined);
    let res;
    try {
      res = await request(this.baseUrl + path, {
        method,
        dispatcher: this.agent,
        headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...(auth ? { authorization: auth } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
    } catch (err) {
      throw new UpstreamUnavailableError(`registry unreachable at ${this.baseUrl}: ${(err as Error).message}`, { registry: this.baseUrl });
    }
    const text = await res.body.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (res.statusCode >= 400) {
      const e = json?.error ?? {};
      if (res.statusCode >= 500 && res.statusCode !== 503) {
        throw new UpstreamUnavailableError(`registry ${method} ${path} failed: ${res.statusCode} ${e.message ?? ''}`.trim(), { registry: this.baseUrl });
      }
      throw new LynxError(e.code ?? ERROR_CODES.badRequest, e.message ?? `registry answered ${res.statusCode}`, res.statusCode, e.details);
    }
    return json as T;
  }
}
