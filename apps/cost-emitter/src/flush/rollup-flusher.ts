import { LynxError, type UsageRollupRequest } from '@lynx/schema';
import { toUsageRequest, unflushedPart, usdPer1kTokens, type Rollup } from '../rollup/rollup';
import type { RollupStore } from '../rollup/rollup-store';

/** lynx.cost.rollup: the registry body plus what only the cost emitter knows. */
export interface CostRollupEvent extends UsageRollupRequest {
  model: string;
  digest: string;
  usd_per_1k_tokens: number | null;
  estimated_requests: number;
  default_priced_requests: number;
}

export interface FlushTargets {
  postUsage(model: string, digest: string, body: UsageRollupRequest): Promise<unknown>;
  publish?(event: CostRollupEvent, msgId: string): Promise<unknown>;
}

export interface FlushResult {
  posted: number;
  rejected: number;
  failed: number;
}

export function toRollupEvent(r: Rollup): CostRollupEvent {
  return {
    ...toUsageRequest(r),
    model: r.model,
    digest: r.digest,
    usd_per_1k_tokens: usdPer1kTokens(r.usd, r.promptTokens + r.completionTokens),
    estimated_requests: r.estimated,
    default_priced_requests: r.defaultPriced,
  };
}

/**
 * Posts closed rollups (window ended more than `graceMs` ago) to the registry and publishes
 * them on lynx.cost.rollup. The rollup id is deterministic, so a flush repeated after a crash,
 * or by a second replica, is a no-op at the registry and a duplicate JetStream drops. A 4xx
 * (e.g. a version the registry does not know) will not get better by retrying: the rollup is
 * counted as rejected, still published, and dropped from the pending set. A 5xx or network
 * failure leaves it pending for the next run. An event that arrives after its window was flushed
 * (later than the grace) is posted on the next run as a part of its own: the totals not posted
 * yet, under the window's id plus the count already posted, so it is neither lost nor counted twice.
 */
export class RollupFlusher {
  constructor(
    private readonly store: RollupStore,
    private readonly targets: FlushTargets,
    private readonly graceMs: number,
    private readonly onOutcome: (outcome: keyof FlushResult, rollup: Rollup, err?: Error) => void = () => undefined,
  ) {}

  async flushOnce(nowMs = Date.now()): Promise<FlushResult> {
    const result: FlushResult = { posted: 0, rejected: 0, failed: 0 };
    for (const { key, rollup: whole } of await this.store.closed(nowMs - this.graceMs)) {
      const rollup = unflushedPart(whole);
      if (rollup.requests <= 0) {
        await this.store.markFlushed(key, whole);
        continue;
      }
      const event = toRollupEvent(rollup);
      let outcome: keyof FlushResult = 'posted';
      let error: Error | undefined;
      try {
        await this.targets.postUsage(rollup.model, rollup.digest, toUsageRequest(rollup));
      } catch (err) {
        error = err as Error;
        // The registry refused this rollup (4xx): sending it again would not help. Anything else is retried.
        outcome = err instanceof LynxError && err.status >= 400 && err.status < 500 ? 'rejected' : 'failed';
      }
      if (outcome !== 'failed') {
        await this.targets.publish?.(event, event.rollup_id);
        await this.store.markFlushed(key, whole);
      }
      result[outcome]++;
      this.onOutcome(outcome, rollup, error);
    }
    return result;
  }
}
