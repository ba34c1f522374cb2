import type { Readable } from 'node:stream';
import { request } from 'undici';
import { serviceUrl } from '@lynx/schema';
import type { RegistryEndpoint } from '@lynx/bundle';
import { serviceCliError, unreachableCliError } from './error-hints';
import { CliError, EXIT } from './exit';

/** The registry's error as the user sees it: code, message, details and what to do next. */
export function registryCliError(code: string, message: string, details?: unknown, status = 400): CliError {
  return serviceCliError('registry', status, code.startsWith('http_') ? undefined : code, message, details);
}

export interface RegistryErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

/** A small client of the registry's REST API (LYNX_REGISTRY_URL, LYNX_TOKEN). */
export class RegistryClient {
  readonly baseUrl: string;

  constructor(
    baseUrl = serviceUrl('registry'),
    private readonly token = process.env.LYNX_TOKEN,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...extra };
  }

  private async send(method: string, path: string, init: { body?: string | Readable; headers?: Record<string, string> } = {}) {
    try {
      return await request(`${this.baseUrl}${path}`, {
        method: method as 'GET',
        headers: this.headers(init.headers),
        body: init.body,
        headersTimeout: 0,
        bodyTimeout: 0,
      });
    } catch (err) {
      throw unreachableCliError('registry', this.baseUrl, 'LYNX_REGISTRY_URL', err);
    }
  }

  /** Where @lynx/bundle's push and pull talk to. */
  get endpoint(): RegistryEndpoint {
    return { url: this.baseUrl, token: this.token };
  }

  private async fail(res: Awaited<ReturnType<typeof request>>): Promise<never> {
    const text = await res.body.text();
    let body: RegistryErrorBody = {};
    try {
      body = JSON.parse(text) as RegistryErrorBody;
    } catch {
      /* not JSON: fall through with the status */
    }
    throw registryCliError(body.error?.code ?? `http_${res.statusCode}`, body.error?.message ?? text.slice(0, 200), body.error?.details, res.statusCode);
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    if (res.statusCode >= 400) return this.fail(res);
    return (await res.body.json()) as T;
  }
}

/** `model@ref` → parts; ref defaults to `production`. */
export function parseModelRef(text: string): { model: string; ref: string } {
  const at = text.indexOf('@');
  if (at === 0) throw new CliError(`expected <model>@<ref>, got ${JSON.stringify(text)}`, EXIT.error);
  return at < 0 ? { model: text, ref: 'production' } : { model: text.slice(0, at), ref: text.slice(at + 1) };
}
