import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { LynxError, serviceUrl } from '@lynx/schema';
import { registryError, registryUnreachable } from './errors';
import { bearer, registryToken } from './token';

export interface RegistryClientOptions {
  /** Base URL; default LYNX_REGISTRY_URL (or 127.0.0.1 on LYNX_REGISTRY_PORT). */
  url?: string;
  /** Bearer token; default LYNX_TOKEN; null sends none. */
  token?: string | null;
  /** Wait this long for an answer's headers and for each chunk of a JSON body; 0 waits forever. Default 30 s. */
  timeoutMs?: number;
  /** How often a GET or HEAD is sent again when the connection failed before any answer. Default 2. */
  retries?: number;
  /** Keep this many connections open to the registry in a pool of the client's own (close() ends it). */
  connections?: number;
  /** How the caller wants registry errors to look (the CLI's CliError); default the named LynxError. */
  mapError?: (err: LynxError) => Error;
}

/** A body, or a way to make it again (a stream can be sent only once; a retry needs a new one). */
export type Body = string | Buffer | Readable | (() => Readable);

export interface SendInit {
  body?: Body;
  headers?: Record<string, string>;
  /** Safe to send twice (GET, HEAD and a PUT by digest); only these are retried. */
  idempotent?: boolean;
  /** Bodies that stream (blobs) take as long as they take; the registry's own limits bound them. */
  streaming?: boolean;
  /** Names the call in errors, e.g. `blob sha256:…`. */
  what?: string;
}

const RETRY_DELAYS_MS = [50, 200, 500, 1000];

/** Failures of the connection itself, before the registry answered: worth one more try. */
function connectionFailed(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  return ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'].includes(code ?? '');
}

/**
 * HTTP to the registry: the base URL, the token and the headers set once; one retry policy
 * (idempotent calls, connection failures only, short backoff); every error answer mapped by
 * registryError.
 */
export class RegistryTransport {
  readonly url: string;
  private readonly authorization?: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly mapError: (err: LynxError) => Error;
  private readonly dispatcher?: Dispatcher;
  private readonly owned: boolean;

  constructor(opts: RegistryClientOptions = {}, shared?: { dispatcher?: Dispatcher; authorization?: string }) {
    this.url = (opts.url ?? serviceUrl('registry')).replace(/\/+$/, '');
    this.authorization = shared ? shared.authorization : bearer(registryToken(opts.token));
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retries = opts.retries ?? 2;
    this.mapError = opts.mapError ?? ((e) => e);
    this.owned = !shared && opts.connections !== undefined;
    this.dispatcher = shared ? shared.dispatcher : this.owned ? new Agent({ connections: opts.connections, keepAliveTimeout: 10_000 }) : undefined;
  }

  /** The same registry and pool as another caller: their Authorization header instead of ours. */
  as(authorization: string | undefined, opts: RegistryClientOptions): RegistryTransport {
    return new RegistryTransport({ ...opts, url: this.url, timeoutMs: this.timeoutMs, retries: this.retries, mapError: this.mapError }, { dispatcher: this.dispatcher, authorization });
  }

  /** The token this client sends, for code that still needs it raw. */
  get token(): string | undefined {
    return this.authorization?.replace(/^Bearer /, '');
  }

  /** The raw answer, whatever its status; throws only when the registry did not answer. */
  async send(method: Dispatcher.HttpMethod, path: string, init: SendInit = {}): Promise<Dispatcher.ResponseData> {
    const idempotent = init.idempotent ?? (method === 'GET' || method === 'HEAD');
    const attempts = idempotent ? this.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(`${this.url}${path}`, {
          method,
          dispatcher: this.dispatcher,
          headers: { accept: 'application/json', ...(this.authorization ? { authorization: this.authorization } : {}), ...init.headers },
          body: typeof init.body === 'function' ? init.body() : init.body,
          headersTimeout: this.timeoutMs,
          bodyTimeout: init.streaming ? 0 : this.timeoutMs,
        });
      } catch (err) {
        // An error the body raised (a file that changed while it was pushed) is the caller's, not the transport's.
        if (err instanceof LynxError) throw this.mapError(err);
        if (attempt < attempts && connectionFailed(err)) {
          await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[Math.min(attempt - 1, RETRY_DELAYS_MS.length - 1)]));
          continue;
        }
        throw this.mapError(registryUnreachable(this.url, err));
      }
    }
  }

  /** Reads an error answer into the mapped error. */
  async fail(res: Dispatcher.ResponseData, what: string): Promise<never> {
    throw this.mapError(registryError(res.statusCode, await res.body.text(), what));
  }

  /** A JSON call; an error answer throws the mapped error. */
  async json<T>(method: Dispatcher.HttpMethod, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    if (res.statusCode >= 400) return this.fail(res, `${method} ${path}`);
    const text = await res.body.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Like json, but 404 is an answer (undefined): "no such version", "no baseline yet". */
  async optional<T>(path: string, keep404?: (err: LynxError) => boolean): Promise<T | undefined> {
    const res = await this.send('GET', path);
    if (res.statusCode === 404) {
      const err = registryError(404, await res.body.text(), `GET ${path}`);
      if (keep404 && !keep404(err)) throw this.mapError(err);
      return undefined;
    }
    if (res.statusCode >= 400) return this.fail(res, `GET ${path}`);
    const text = await res.body.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async close(): Promise<void> {
    if (this.owned) await this.dispatcher?.close();
  }
}
