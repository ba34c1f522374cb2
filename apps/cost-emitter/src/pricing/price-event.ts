import type { Price } from '../prices/price-book';
import type { PriceSource } from '../prices/resolve-price';
import type { CostEvent } from './cost-event';
import { estimateTokens } from './estimate-tokens';

/** One event's contribution to its rollup. */
export interface PricedEvent {
  eventId: string;
  model: string;
  digest: string;
  role: string;
  timeMs: number;
  promptTokens: number;
  completionTokens: number;
  usd: number;
  error: boolean;
  /** Token counts were not reported by the upstream (counted here or by the router). */
  estimated: boolean;
  /** Priced by the book's default entry: no entry knows this version. */
  defaultPriced: boolean;
}

/**
 * Prices one inference event. Per token: prompt/1000 × prompt price + completion/1000 ×
 * completion price. Per accelerator time: upstream seconds × usd_per_gpu_hour / 3600 × gpu_share.
 */
export function priceEvent(event: CostEvent, price: Price, source: PriceSource): PricedEvent {
  const estimated = event.usage === undefined || event.usage_estimated === true;
  const promptTokens = event.usage?.prompt_tokens ?? estimateTokens(event.input);
  const completionTokens = event.usage?.completion_tokens ?? estimateTokens(event.output);
  return {
    eventId: event.event_id,
    model: event.model,
    digest: event.digest,
    role: event.role,
    timeMs: Date.parse(event.time),
    promptTokens,
    completionTokens,
    usd: costOf(price, promptTokens, completionTokens, event.upstream_latency_ms),
    error: event.status === 'error',
    estimated,
    defaultPriced: source === 'default',
  };
}

export function costOf(price: Price, promptTokens: number, completionTokens: number, upstreamLatencyMs: number): number {
  if (price.mode === 'tokens') {
    return (promptTokens / 1000) * price.usdPer1kPrompt + (completionTokens / 1000) * price.usdPer1kCompletion;
  }
  return (upstreamLatencyMs / 1000) * (price.usdPerGpuHour / 3600) * price.gpuShare;
}
