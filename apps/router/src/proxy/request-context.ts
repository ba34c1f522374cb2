import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ERROR_CODES, HEADERS, type InferenceEvent, type LynxError } from '@lynx/schema';
import type { Arm } from '../routing/compiled-plan';
import { usageOf, type Endpoint } from './openai-text';

/** One user request as the router saw it: what the event and the headers are built from. */
export interface RequestContext {
  endpoint: Endpoint;
  model: string;
  requestId: string;
  userHash?: string;
  input: string;
  startedAt: number;
  body: Record<string, unknown>;
}

/** What one arm's upstream did with the request. */
export interface Outcome {
  output: string;
  usage?: unknown;
  upstreamMs: number;
  status: 'ok' | 'error';
  error?: { code: string; message: string };
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's x-lynx-request-id when it is a sane token, else a new UUID. */
export function requestIdFrom(header: unknown): string {
  return typeof header === 'string' && REQUEST_ID_RE.test(header) ? header : randomUUID();
}

/** The answer's Lynx headers as a flat name, value list (what writeHead takes fastest). */
export function lynxHeaders(requestId: string, arm: Arm): string[] {
  return [HEADERS.requestId, requestId, HEADERS.digest, arm.digest, HEADERS.arm, arm.name];
}

export function errorOf(err: LynxError): { code: string; message: string } {
  return { code: err.code, message: err.message };
}

/** The error an upstream's 4xx answer carries (OpenAI or Lynx shape), for the event. */
export function answerError(status: number, json: any): { code: string; message: string } {
  const e = json?.error ?? {};
  return { code: typeof e.code === 'string' ? e.code : `http_${status}`, message: typeof e.message === 'string' ? e.message : `upstream answered ${status}` };
}

export function completedEvent(ctx: RequestContext, arm: Arm, role: Arm['role'], o: Outcome): InferenceEvent {
  const { usage, estimated } = usageOf(ctx.input, o.output, o.usage);
  return {
    event_id: randomUUID(),
    request_id: ctx.requestId,
    time: new Date().toISOString(),
    model: ctx.model,
    digest: arm.digest,
    arm: arm.name,
    role,
    ...(ctx.userHash ? { user_hash: ctx.userHash } : {}),
    endpoint: ctx.endpoint,
    input: ctx.input,
    output: o.output,
    usage,
    ...(estimated ? { usage_estimated: true } : {}),
    latency_ms: round(performance.now() - ctx.startedAt),
    upstream_latency_ms: round(o.upstreamMs),
    status: o.status,
    ...(o.error ? { error: o.error } : {}),
  };
}

export const round = (ms: number) => Math.max(0, Math.round(ms * 100) / 100);

export const UPSTREAM_CODES = new Set<string>([ERROR_CODES.upstreamUnavailable, ERROR_CODES.upstreamTimeout]);
