import perfHooks from 'node:perf_hooks';
import { collectDefaultMetrics, type Registry } from 'prom-client';

type PerfHooks = typeof perfHooks;

/** Stops the collectors; Nest calls `onApplicationShutdown` on app.close(). */
export interface DefaultMetrics {
  stop(): void;
  onApplicationShutdown(): void;
}

/**
 * prom-client's default metrics (process CPU and memory, heap, event-loop delay, GC durations)
 * in `registry`, with a `stop()` that ends the two collectors prom-client leaves running for the
 * life of the process: its GC PerformanceObserver is never disconnected and its event-loop-delay
 * histogram never disabled (prometheus/client_js#500, #494; `collectDefaultMetrics` returns no
 * handle). Each app instance made in one process (tests, the demo) kept them, and through their
 * callbacks everything the code that made them could reach: under Jest, a whole test file's
 * modules, ~100 MB per file that starts an app, until a worker ran out of heap.
 *
 * To find them, prom-client is started with `PerformanceObserver` and `monitorEventLoopDelay`
 * of `node:perf_hooks` wrapped, only for the synchronous call that creates them.
 */
export function startDefaultMetrics(registry: Registry): DefaultMetrics {
  const observers: Array<InstanceType<PerfHooks['PerformanceObserver']>> = [];
  const histograms: Array<ReturnType<PerfHooks['monitorEventLoopDelay']>> = [];
  const { PerformanceObserver, monitorEventLoopDelay } = perfHooks;
  const writable = perfHooks as { -readonly [K in keyof PerfHooks]: PerfHooks[K] };
  writable.PerformanceObserver = class extends PerformanceObserver {
    constructor(callback: ConstructorParameters<typeof PerformanceObserver>[0]) {
      super(callback);
      observers.push(this);
    }
  };
  writable.monitorEventLoopDelay = (options) => {
    const histogram = monitorEventLoopDelay(options);
    histograms.push(histogram);
    return histogram;
  };
  try {
    collectDefaultMetrics({ register: registry });
  } finally {
    writable.PerformanceObserver = PerformanceObserver;
    writable.monitorEventLoopDelay = monitorEventLoopDelay;
  }
  // Both calls are no-ops the second time, so stopping twice is harmless.
  const stop = () => {
    for (const observer of observers) observer.disconnect();
    for (const histogram of histograms) histogram.disable();
  };
  return { stop, onApplicationShutdown: stop };
}
