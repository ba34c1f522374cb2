import { createHash } from 'node:crypto';
import type { UsageRollupRequest } from '@lynx/schema';

/** Totals of one (model, digest, role, window). */
export interface Rollup {
  model: string;
  digest: string;
  role: string;
  windowStartMs: number;
  windowEndMs: number;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  usd: number;
  /** Requests whose token counts were estimated. */
  estimated: number;
  /** Requests priced by the default entry (version unknown to the price book). */
  defaultPriced: number;
  firstMs: number;
  lastMs: number;
  /** The totals already posted for this window (a late event re-opens a flushed rollup). */
  flushed?: RollupTotals;
  /** Set on a late part (unflushedPart): the requests posted before it, which make its id its own. */
  after?: number;
}

export type RollupTotals = Pick<Rollup, 'requests' | 'errors' | 'promptTokens' | 'completionTokens' | 'usd' | 'estimated' | 'defaultPriced'>;

/**
 * What of a rollup has not been posted yet: all of it, or, when events arrived after its window
 * was flushed, their totals alone, under an id of their own (the registry ignores a repeated one).
 */
export function unflushedPart(r: Rollup): Rollup {
  const f = r.flushed;
  if (!f) return r;
  return {
    ...r,
    requests: r.requests - f.requests,
    errors: r.errors - f.errors,
    promptTokens: r.promptTokens - f.promptTokens,
    completionTokens: r.completionTokens - f.completionTokens,
    usd: Math.max(0, r.usd - f.usd),
    estimated: r.estimated - f.estimated,
    defaultPriced: r.defaultPriced - f.defaultPriced,
    flushed: undefined,
    after: f.requests,
  };
}

/** Start of the window holding `timeMs`; windows are aligned to the epoch (hourly: on the hour). */
export function windowStartOf(timeMs: number, windowSeconds: number): number {
  const w = windowSeconds * 1000;
  return Math.floor(timeMs / w) * w;
}

/**
 * Where to replay the stream from after Redis lost the rollups: the start of the window holding
 * `flushedBeforeMs` (every window that ended before it was posted, so only whole windows are
 * rebuilt, and a rebuilt window posted before is posted again under the same id: a no-op).
 */
export function replayStartAfterLoss(flushedBeforeMs: number, windowSeconds: number): number {
  return windowStartOf(flushedBeforeMs, windowSeconds);
}

/** Deterministic id: re-posting the same rollup is a no-op at the registry. */
export function rollupId(model: string, digest: string, role: string, windowStartMs: number): string {
  const text = `${model}|${digest}|${role}|${new Date(windowStartMs).toISOString()}`;
  return createHash('sha256').update(text).digest('hex');
}

/** USD per 1 000 tokens; null when nothing was counted. */
export function usdPer1kTokens(usd: number, tokens: number): number | null {
  return tokens > 0 ? usd / (tokens / 1000) : null;
}

/** The registry's usage body (POST /v1/models/{model}/versions/{digest}/usage). */
export function toUsageRequest(r: Rollup): UsageRollupRequest {
  return {
    rollup_id: rollupId(r.model, r.digest, r.role, r.windowStartMs) + (r.after ? `:after:${r.after}` : ''),
    role: r.role as UsageRollupRequest['role'],
    window_start: new Date(r.windowStartMs).toISOString(),
    window_end: new Date(r.windowEndMs).toISOString(),
    first_served_at: new Date(r.firstMs).toISOString(),
    last_served_at: new Date(r.lastMs).toISOString(),
    requests: r.requests,
    errors: r.errors,
    prompt_tokens: r.promptTokens,
    completion_tokens: r.completionTokens,
    // Sub-nanodollar float noise from HINCRBYFLOAT is not money.
    cost_usd: Math.round(r.usd * 1e9) / 1e9,
    usage_estimated: r.estimated > 0,
  };
}
