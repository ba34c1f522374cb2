import perfHooks from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { startTestApp } from '../fixtures/test-app';
import { startDefaultMetrics } from './default-metrics';
import { METRICS_REGISTRY } from './metrics.constants';

// Enough short-lived garbage for V8 to run several minor collections.
function churn(): number {
  let kept = 0;
  for (let i = 0; i < 200_000; i++) kept += new Array(32).fill(i).length;
  return kept;
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

async function gcCount(registry: Registry): Promise<number> {
  const metric = await registry.getSingleMetric('nodejs_gc_duration_seconds')!.get();
  const counts = metric.values.filter((v) => (v as { metricName?: string }).metricName === 'nodejs_gc_duration_seconds_count');
  return counts.reduce((sum, v) => sum + v.value, 0);
}

async function lagMaxAfterABlockedLoop(registry: Registry): Promise<number> {
  await registry.metrics(); // prom-client resets the histogram on each collection
  for (let i = 0; i < 3; i++) {
    const until = Date.now() + 40;
    while (Date.now() < until); // hold the event loop so the delay histogram has something to record
    await settle();
  }
  // The lag gauge's collect reads the histogram into the min/max/percentile gauges.
  const metrics = await registry.getMetricsAsJSON();
  return metrics.find((m) => m.name === 'nodejs_eventloop_lag_max_seconds')!.values[0].value;
}

describe('default metrics', () => {
  it("registers prom-client's default metrics", async () => {
    const registry = new Registry();
    const metrics = startDefaultMetrics(registry);
    try {
      const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
      expect(names).toEqual(expect.arrayContaining(['process_cpu_user_seconds_total', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds', 'nodejs_eventloop_lag_p99_seconds']));
    } finally {
      metrics.stop();
    }
  });

  it('observes garbage collections and event-loop delay until stopped, and neither after', async () => {
    const registry = new Registry();
    const metrics = startDefaultMetrics(registry);
    churn();
    await settle();
    expect(await gcCount(registry)).toBeGreaterThan(0);
    expect(await lagMaxAfterABlockedLoop(registry)).toBeGreaterThan(0.02);

    metrics.stop();
    await settle();
    const before = await gcCount(registry);
    churn();
    await settle();
    expect(await gcCount(registry)).toBe(before);
    expect(await lagMaxAfterABlockedLoop(registry)).toBe(0);
    metrics.stop(); // twice is harmless
  });

  it('leaves node:perf_hooks as it found it, also when prom-client throws', () => {
    const { PerformanceObserver, monitorEventLoopDelay } = perfHooks;
    const registry = new Registry();
    startDefaultMetrics(registry).stop();
    expect(perfHooks.PerformanceObserver).toBe(PerformanceObserver);
    expect(perfHooks.monitorEventLoopDelay).toBe(monitorEventLoopDelay);
    // The same metric names twice in one registry: prom-client refuses.
    expect(() => startDefaultMetrics(registry)).toThrow(/already been registered/);
    expect(perfHooks.PerformanceObserver).toBe(PerformanceObserver);
    expect(perfHooks.monitorEventLoopDelay).toBe(monitorEventLoopDelay);
  });

  it('are stopped when the app closes', async () => {
    const app = await startTestApp({ env: { LYNX_ENV: 'test' } });
    const registry = app.get<Registry>(METRICS_REGISTRY);
    churn();
    await settle();
    expect(await gcCount(registry)).toBeGreaterThan(0);
    await app.close();
    const before = await gcCount(registry);
    churn();
    await settle();
    expect(await gcCount(registry)).toBe(before);
  });
});
