import type { LiveUsage, LiveUsageVersion } from '@lynx/schema';
import { unflushedPart, usdPer1kTokens, type Rollup } from './rollup';

/**
 * What the cost emitter has counted for a model but not yet posted to the registry, per version
 * (all roles summed): the open hour and any window still in its grace period, and late events of
 * a flushed window. Provisional: the registry's rollups become the record once flushed.
 */
export function liveUsage(model: string, rollups: readonly Rollup[], now: Date): LiveUsage {
  const byDigest = new Map<string, LiveUsageVersion & { usd: number }>();
  for (const r of rollups) {
    if (r.model !== model) continue;
    const part = unflushedPart(r);
    if (part.requests <= 0) continue;
    const v = byDigest.get(r.digest) ?? {
      digest: r.digest,
      first_served: new Date(part.firstMs).toISOString(),
      last_served: new Date(part.lastMs).toISOString(),
      requests: 0,
      errors: 0,
      tokens: 0,
      cost_usd: 0,
      cost_per_1k_tokens: null,
      usd: 0,
    };
    v.requests += part.requests;
    v.errors += part.errors;
    v.tokens += part.promptTokens + part.completionTokens;
    v.usd += part.usd;
    if (part.firstMs < Date.parse(v.first_served)) v.first_served = new Date(part.firstMs).toISOString();
    if (part.lastMs > Date.parse(v.last_served)) v.last_served = new Date(part.lastMs).toISOString();
    byDigest.set(r.digest, v);
  }
  const versions = [...byDigest.values()]
    .map(({ usd, ...v }) => ({ ...v, cost_usd: Math.round(usd * 1e9) / 1e9, cost_per_1k_tokens: usdPer1kTokens(usd, v.tokens) }))
    .sort((a, b) => (a.last_served === b.last_served ? (a.digest < b.digest ? 1 : -1) : a.last_served < b.last_served ? 1 : -1));
  return { model, provisional: true, as_of: now.toISOString(), versions };
}
