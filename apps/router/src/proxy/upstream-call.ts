import { performance } from 'node:perf_hooks';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { UpstreamUnavailableError, type LynxError } from '@lynx/schema';
import type { Arm } from '../routing/compiled-plan';
import type { CircuitBreaker } from '../upstreams/circuit-breaker';
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
  // Outside the try: only what the upstream does may count against its breaker. (The body's depth
  // is bounded when it is read, so this cannot overflow the stack either.)
  const payload = JSON.stringify({ ...body, model: arm.upstream.model });
  const headers = { 'x-lynx-request-id': requestId };
  try {
    if (stream) {
      const res = await pool.post(arm.upstream, PATHS[endpoint], payload, headers);
      if (res.statusCode < 300) {
        breaker.success();
        return { ok: true, arm, sentAt, status: res.statusCode, contentType: contentTypeOf(res.headers), stream: res.body };
      }
      return answered(breaker, arm, sentAt, res.statusCode, res.headers, Buffer.from(await res.body.arrayBuffer()));
    }
    const res = await pool.postWhole(arm.upstream, PATHS[endpoint], payload, headers);
    return answered(breaker, arm, sentAt, res.statusCode, res.headers, res.body);
  } catch (err) {
    breaker.failure();
    return { ok: false, arm, sentAt, error: upstreamError(err, arm.upstream) };
  }
}

/** A whole answer: a 5xx is the upstream's failure (the caller may fall back), anything else goes back as it is. */
function answered(breaker: CircuitBreaker, arm: Arm, sentAt: number, status: number, headers: IncomingHttpHeaders, body: Buffer): CallResult {
  if (status >= 500) {
    breaker.failure();
    const text = body.toString('utf8', 0, Math.min(body.length, 300));
    return { ok: false, arm, sentAt, error: new UpstreamUnavailableError(`upstream ${arm.upstream.baseUrl} (${arm.upstream.model}) answered ${status}: ${text}`, { upstream: arm.upstream.baseUrl, status }) };
  }
  breaker.success();
  return { ok: true, arm, sentAt, status, contentType: contentTypeOf(headers), body };
}

const contentTypeOf = (h: IncomingHttpHeaders) => String(h['content-type'] ?? 'application/json');
