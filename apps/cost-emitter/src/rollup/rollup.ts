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
}

/** Start of the window holding `timeMs`; windows are aligned to the epoch (hourly: on the hour). */
export function windowStartOf(timeMs: number, windowSeconds: number): number {
  const w = windowSeconds * 1000;
  return Math.floor(timeMs / w) * w;
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
    rollup_id: rollupId(r.model, r.digest, r.role, r.windowStartMs),
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
