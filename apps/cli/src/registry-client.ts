import type { Readable } from 'node:stream';
import { request } from 'undici';
import type { RegistryEndpoint } from '@lynx/bundle';
import { CliError, EXIT } from './exit';

// What to do next, per stable error code of the registry.
const HINTS: Record<string, string> = {
  unauthorized: 'set LYNX_TOKEN to a registry token',
  forbidden: 'use a token whose role allows this (reader < trainer < operator < gate < ci)',
  model_not_found: 'list models with `lynx models`',
  version_not_found: 'list versions with `lynx versions <model>`',
  alias_not_found: 'see the aliases with `lynx versions <model>`',
  ambiguous_reference: 'give more hex digits of the digest',
  missing_blobs: 'run `lynx push` again: it uploads the missing blobs first',
  digest_mismatch: 'the file changed while it was uploaded; run the command again',
  verdict_required: 'promote through the gate: `lynx gate promote <model>@<ref> --semver …`',
  semver_conflict: 'pick a semver greater than every earlier one (`lynx versions <model>`)',
  invalid_semver: 'use vMAJOR.MINOR.PATCH, e.g. v1.2.0 (or v1.2.0-dev.1 outside prod)',
  rollback_target_invalid: 'see which versions were production with `lynx history <model>`',
  alias_conflict: 'the alias moved meanwhile; look at `lynx history <model> <alias>` and retry',
  protected_alias: 'production moves only with `lynx promote` and `lynx rollback`',
  payload_too_large: 'the registry refuses bodies over its limit (LYNX_MAX_BLOB_BYTES for blobs)',
  upstream_unavailable: 'start the registry or set LYNX_REGISTRY_URL',
};

/** The registry's error as the user sees it: code, message, details and what to do next. */
export function registryCliError(code: string, message: string, details?: unknown): CliError {
  const hint = HINTS[code];
  const more = details ? `\n  details: ${JSON.stringify(details)}` : '';
  return new CliError(`${code}: ${message}${more}${hint ? `\n  → ${hint}` : ''}`, EXIT.error);
}

export interface RegistryErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

/** A small client of the registry's REST API (LYNX_REGISTRY_URL, LYNX_TOKEN). */
export class RegistryClient {
  readonly baseUrl: string;

  constructor(
    baseUrl = process.env.LYNX_REGISTRY_URL || 'http://127.0.0.1:7101',
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
      throw new CliError(
        `cannot reach the registry at ${this.baseUrl} (${(err as Error).message}); start it or set LYNX_REGISTRY_URL`,
        EXIT.error,
      );
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
    throw registryCliError(body.error?.code ?? `http_${res.statusCode}`, body.error?.message ?? text.slice(0, 200), body.error?.details);
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
