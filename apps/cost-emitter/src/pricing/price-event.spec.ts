import { randomUUID } from 'node:crypto';
import type { CostEvent } from './cost-event';
import { costEventSchema } from './cost-event';
import { priceEvent } from './price-event';

function event(over: Partial<CostEvent> = {}): CostEvent {
  return costEventSchema.parse({
    event_id: randomUUID(),
    request_id: 'r1',
    time: '2025-03-01T10:15:00.000Z',
    model: 'grammar-tutor',
    digest: `sha256:${'a'.repeat(64)}`,
    arm: 'primary',
    role: 'primary',
    input: 'Yesterday he goed home.',
    output: 'Yesterday he went home.',
    usage: { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500 },
    latency_ms: 40,
    upstream_latency_ms: 36_000,
    status: 'ok',
    ...over,
  });
}

const perToken = { mode: 'tokens', usdPer1kPrompt: 0.0004, usdPer1kCompletion: 0.0012 } as const;

describe('priceEvent', () => {
  it('prices per token: prompt/1000 × prompt price + completion/1000 × completion price', () => {
    const p = priceEvent(event(), perToken, 'variant');
    // 1.2 × 0.0004 + 0.3 × 0.0012 = 0.00048 + 0.00036
    expect(p.usd).toBeCloseTo(0.00084, 12);
    expect(p).toMatchObject({ promptTokens: 1200, completionTokens: 300, estimated: false, defaultPriced: false, error: false });
    expect(p.timeMs).toBe(Date.UTC(2025, 2, 1, 10, 15));
  });

  it('prices per accelerator time: upstream seconds × usd_per_gpu_hour / 3600 × gpu_share', () => {
    // 36 s × 1.20 / 3600 × 0.25 = 0.003
    const p = priceEvent(event(), { mode: 'gpu_time', usdPerGpuHour: 1.2, gpuShare: 0.25 }, 'variant');
    expect(p.usd).toBeCloseTo(0.003, 12);
  });

  it('estimates tokens from the text when usage is missing, and marks the event', () => {
    const p = priceEvent(event({ usage: undefined }), perToken, 'default');
    // "Yesterday he goed home." → Yesterday, he, goed, home, "." = 5 tokens each way
    expect(p).toMatchObject({ promptTokens: 5, completionTokens: 5, estimated: true, defaultPriced: true });
    expect(p.usd).toBeCloseTo(0.005 * 0.0004 + 0.005 * 0.0012, 15);
  });

  it('keeps the router estimate flag and counts errors', () => {
    expect(priceEvent(event({ usage_estimated: true }), perToken, 'model').estimated).toBe(true);
    expect(priceEvent(event({ status: 'error' }), perToken, 'model').error).toBe(true);
  });
});
