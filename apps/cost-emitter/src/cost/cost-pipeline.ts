import type { PriceBook } from '../prices/price-book';
import { resolvePrice } from '../prices/resolve-price';
import { costEventSchema, type CostEvent } from '../pricing/cost-event';
import { priceEvent, type PricedEvent } from '../pricing/price-event';
import type { RollupStore } from '../rollup/rollup-store';
import type { VersionCatalog } from '../registry/version-catalog';
import type { CostMetrics } from './cost-metrics';

export interface InvalidEvent {
  index: number;
  reason: string;
}

export interface BatchOutcome {
  counted: number;
  duplicates: number;
  invalid: InvalidEvent[];
}

const decoder = new TextDecoder();

/**
 * Decode → validate → price → add to rollups, for one batch of raw event payloads. The batch
 * goes to Redis as one script call; only events the script counted for the first time move
 * the Prometheus counters. Throws only when Redis fails (the caller then leaves the messages
 * unacknowledged so they come back).
 */
export class CostPipeline {
  constructor(
    private readonly book: PriceBook,
    private readonly catalog: VersionCatalog,
    private readonly store: RollupStore,
    private readonly metrics?: CostMetrics,
  ) {}

  async process(payloads: readonly Uint8Array[]): Promise<BatchOutcome> {
    const invalid: InvalidEvent[] = [];
    const events: CostEvent[] = [];
    payloads.forEach((data, index) => {
      const reason = decode(data, events);
      if (reason) invalid.push({ index, reason });
    });
    await this.catalog.ensure(new Map(events.map((e) => [`${e.model}|${e.digest}`, [e.model, e.digest] as const])).values());
    const priced: PricedEvent[] = events.map((e) => {
      const facts = this.catalog.get(e.model, e.digest);
      const { price, source } = resolvePrice(this.book, e.model, e.digest, facts);
      return priceEvent(e, price, source);
    });
    const fresh = await this.store.apply(priced);
    let counted = 0;
    fresh.forEach((isNew, i) => {
      if (!isNew) return;
      counted++;
      this.metrics?.counted(priced[i]);
    });
    this.metrics?.events.inc({ outcome: 'counted' }, counted);
    this.metrics?.events.inc({ outcome: 'duplicate' }, priced.length - counted);
    this.metrics?.events.inc({ outcome: 'invalid' }, invalid.length);
    return { counted, duplicates: priced.length - counted, invalid };
  }
}

/** Pushes the valid event onto `out`, or returns why it is not one. */
function decode(data: Uint8Array, out: CostEvent[]): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  const parsed = costEventSchema.safeParse(json);
  if (!parsed.success) {
    return parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ');
  }
  out.push(parsed.data);
  return undefined;
}
