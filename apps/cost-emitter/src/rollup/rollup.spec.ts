import { usageRollupRequestSchema } from '@lynx/schema';
import { replayStartAfterLoss, rollupId, toUsageRequest, usdPer1kTokens, windowStartOf, type Rollup } from './rollup';

describe('rollup math', () => {
  it('aligns windows to the epoch', () => {
    const t = Date.UTC(2025, 2, 1, 10, 59, 59, 999);
    expect(windowStartOf(t, 3600)).toBe(Date.UTC(2025, 2, 1, 10));
    expect(windowStartOf(Date.UTC(2025, 2, 1, 11), 3600)).toBe(Date.UTC(2025, 2, 1, 11));
    expect(windowStartOf(t, 300)).toBe(Date.UTC(2025, 2, 1, 10, 55));
  });

  it('replays from the start of the window holding the last flush cutoff, so rebuilt windows are whole', () => {
    const cutoff = Date.UTC(2025, 2, 1, 10, 42);
    expect(replayStartAfterLoss(cutoff, 3600)).toBe(Date.UTC(2025, 2, 1, 10));
    expect(replayStartAfterLoss(Date.UTC(2025, 2, 1, 11), 3600)).toBe(Date.UTC(2025, 2, 1, 11));
  });

  it('gives one rollup id per (model, digest, role, window)', () => {
    const a = rollupId('m', 'sha256:x', 'primary', 0);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(rollupId('m', 'sha256:x', 'primary', 0)).toBe(a);
    expect(new Set([a, rollupId('m', 'sha256:x', 'shadow', 0), rollupId('m', 'sha256:y', 'primary', 0), rollupId('m', 'sha256:x', 'primary', 3_600_000)]).size).toBe(4);
  });

  it('computes USD per 1k tokens and a valid registry usage body', () => {
    expect(usdPer1kTokens(0.03, 1500)).toBeCloseTo(0.02, 12);
    expect(usdPer1kTokens(0, 0)).toBeNull();
    const r: Rollup = {
      model: 'm', digest: `sha256:${'a'.repeat(64)}`, role: 'canary', windowStartMs: 0, windowEndMs: 3_600_000,
      requests: 3, errors: 1, promptTokens: 10, completionTokens: 5, usd: 0.1 + 0.2, estimated: 1, defaultPriced: 0, firstMs: 10, lastMs: 20,
    };
    const body = toUsageRequest(r);
    expect(usageRollupRequestSchema.parse(body)).toEqual(body);
    expect(body).toMatchObject({ role: 'canary', cost_usd: 0.3, usage_estimated: true, window_end: '1970-01-01T01:00:00.000Z' });
  });
});
