import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { UpstreamUnavailableError, type LynxError } from '@lynx/schema';
import type { Arm } from '../routing/compiled-plan';
import { upstreamError, type UpstreamPool } from '../upstreams/upstream-pool';
import type { Endpoint } from './openai-text';

const PATHS: Record<Endpoint, string> = { chat: '/chat/completions', completions: '/completions' };

export interface CallOk {
  ok: true;
  arm: Arm;
  status: number;
  contentType: string;
  /** The whole answer (non-streamed requests and error answers). */
  body?: Buffer;
  /** The answer still arriving (streamed requests with a 2xx answer). */
  stream?: Readable;
  sentAt: number;
}

export interface CallFailed {
  ok: false;
  arm: Arm;
  error: LynxError;
  sentAt: number;
}

export type CallResult = CallOk | CallFailed;

/**
 * One request to one arm's upstream, through its circuit breaker. A refused circuit, a network
 * error, a timeout or a 5xx answer is a failure (the caller may fall back); a 4xx answer is the
 * request's fault and is passed back as it is. Non-streamed answers are read whole here, so a
 * failure while reading still allows a fallback.
 */
export async function callArm(pool: UpstreamPool, arm: Arm, endpoint: Endpoint, body: Record<string, unknown>, requestId: string, stream: boolean): Promise<CallResult> {
  const sentAt = performance.now();
  const breaker = pool.breaker(arm.upstream);
  if (!breaker.allow()) {
    return { ok: false, arm, sentAt, error: new UpstreamUnavailableError(`circuit open for upstream ${arm.upstream.baseUrl} after repeated failures`, { upstream: arm.upstream.baseUrl }) };
  }
  try {
    const res = await pool.post(arm.upstream, PATHS[endpoint], JSON.stringify({ ...body, model: arm.upstream.model }), { 'x-lynx-request-id': requestId });
    const contentType = String(res.headers['content-type'] ?? 'application/json');
    if (res.statusCode >= 500) {
      const text = (await res.body.text().catch(() => '')).slice(0, 300);
      breaker.failure();
      return { ok: false, arm, sentAt, error: new UpstreamUnavailableError(`upstream ${arm.upstream.baseUrl} (${arm.upstream.model}) answered ${res.statusCode}: ${text}`, { upstream: arm.upstream.baseUrl, status: res.statusCode }) };
    }
    if (stream && res.statusCode < 300) {
      breaker.success();
      return { ok: true, arm, sentAt, status: res.statusCode, contentType, stream: res.body };
    }
    const buf = Buffer.from(await res.body.arrayBuffer());
    breaker.success();
    return { ok: true, arm, sentAt, status: res.statusCode, contentType, body: buf };
  } catch (err) {
    breaker.failure();
    return { ok: false, arm, sentAt, error: upstreamError(err, arm.upstream) };
  }
}
