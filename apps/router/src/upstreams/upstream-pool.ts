import type { IncomingHttpHeaders } from 'node:http';
import { Pool, errors, type Dispatcher } from 'undici';
import { UpstreamTimeoutError, UpstreamUnavailableError } from '@lynx/schema';
import { CircuitBreaker, type BreakerState } from './circuit-breaker';
import type { Upstream } from '@lynx/platform';

export interface WholeAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface BreakerOptions {
  failures: number;
  cooldownMs: number;
  onChange?: (baseUrl: string, state: BreakerState) => void;
}

/**
 * One keep-alive connection pool and one circuit breaker per upstream server (base URL), shared
 * by every version served from it — a vLLM with many LoRA adapters is one upstream.
 */
export class UpstreamPool {
  private readonly pools = new Map<string, { pool: Pool; basePath: string }>();
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(private readonly breakerOptions: BreakerOptions) {}

  breaker(u: Upstream): CircuitBreaker {
    let b = this.breakers.get(u.baseUrl);
    if (!b) {
      const { failures, cooldownMs, onChange } = this.breakerOptions;
      b = new CircuitBreaker(failures, cooldownMs, Date.now, (s) => onChange?.(u.baseUrl, s));
      this.breakers.set(u.baseUrl, b);
    }
    return b;
  }

  /**
   * POSTs a JSON body to `<baseUrl><path>`; resolves once the status and headers arrived.
   * Connection failures and timeouts become UpstreamUnavailableError (502) / UpstreamTimeoutError (504).
   */
  async post(u: Upstream, path: string, body: string, headers: Record<string, string>): Promise<Dispatcher.ResponseData> {
    const { pool, basePath } = this.pool(u.baseUrl);
    try {
      return await pool.request({
        method: 'POST',
        path: basePath + path,
        headers: this.headers(u, headers),
        body,
        headersTimeout: u.timeoutMs,
        bodyTimeout: u.timeoutMs,
      });
    } catch (err) {
      throw upstreamError(err, u);
    }
  }

  /**
   * post() for an answer that is read whole: the body arrives as one Buffer, without the
   * Readable and promise chain a streamed body costs per request (undici's dispatch API).
   */
  postWhole(u: Upstream, path: string, body: string, headers: Record<string, string>): Promise<WholeAnswer> {
    const { pool, basePath } = this.pool(u.baseUrl);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let statusCode = 0;
      let answerHeaders: IncomingHttpHeaders = {};
      pool.dispatch(
        { method: 'POST', path: basePath + path, headers: this.headers(u, headers), body, headersTimeout: u.timeoutMs, bodyTimeout: u.timeoutMs },
        {
          // undici takes a handler for the current API only when it has onRequestStart.
          onRequestStart: () => undefined,
          onResponseStart: (_c, status, h) => {
            statusCode = status;
            answerHeaders = h;
          },
          onResponseData: (_c, chunk) => void chunks.push(chunk),
          onResponseEnd: () => resolve({ statusCode, headers: answerHeaders, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) }),
          onResponseError: (_c, err) => reject(upstreamError(err, u)),
        },
      );
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.pool.close().catch(() => undefined)));
    this.pools.clear();
  }

  private headers(u: Upstream, headers: Record<string, string>): Record<string, string> {
    return { 'content-type': 'application/json', ...(u.apiKey ? { authorization: `Bearer ${u.apiKey}` } : {}), ...headers };
  }

  private pool(baseUrl: string): { pool: Pool; basePath: string } {
    let entry = this.pools.get(baseUrl);
    if (!entry) {
      const url = new URL(baseUrl);
      entry = { pool: new Pool(url.origin, { connections: 256, keepAliveTimeout: 30_000 }), basePath: url.pathname.replace(/\/+$/, '') };
      this.pools.set(baseUrl, entry);
    }
    return entry;
  }
}

/** Any failure talking to an upstream as a named error: timeouts 504, everything else 502. */
export function upstreamError(err: unknown, u: Upstream): UpstreamTimeoutError | UpstreamUnavailableError {
  if (err instanceof UpstreamTimeoutError || err instanceof UpstreamUnavailableError) return err;
  const details = { upstream: u.baseUrl, model: u.model };
  if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError || err instanceof errors.ConnectTimeoutError) {
    return new UpstreamTimeoutError(`upstream ${u.baseUrl} (${u.model}) did not answer within ${u.timeoutMs} ms`, details);
  }
  return new UpstreamUnavailableError(`upstream ${u.baseUrl} (${u.model}) failed: ${(err as Error).message}`, details);
}
