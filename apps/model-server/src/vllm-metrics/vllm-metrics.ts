import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { VLLM_METRICS } from '@lynx/schema';

// vLLM's buckets suit GPU latencies of seconds; the tutor answers in well under a millisecond,
// so the low end is finer. Dashboards use histogram_quantile, which works with any buckets.
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type FinishReason = 'stop' | 'length' | 'abort';

/** One request's bookkeeping: started on arrival, finished exactly once. */
export interface RequestTrack {
  firstToken(): void;
  finish(reason: FinishReason, promptTokens: number, completionTokens: number): void;
  /** The request failed before finishing (bad input found late, client gone): no success counted. */
  fail(): void;
}

/**
 * The metrics vLLM exposes, under its names and its `model_name` label, so dashboards and
 * autoscaling rules written for vLLM read this server unchanged. `num_requests_waiting` stays
 * 0: the tutor runs synchronously on the event loop, so no request queues inside the server.
 */
export class VllmMetrics {
  private readonly promptTokens: Counter<'model_name'>;
  private readonly generationTokens: Counter<'model_name'>;
  private readonly running: Gauge<'model_name'>;
  private readonly waiting: Gauge<'model_name'>;
  private readonly e2e: Histogram<'model_name'>;
  private readonly ttft: Histogram<'model_name'>;
  private readonly success: Counter<'model_name' | 'finished_reason'>;

  constructor(registry: Registry) {
    const registers = [registry];
    const model = ['model_name'] as const;
    this.promptTokens = new Counter({ name: VLLM_METRICS.promptTokens, help: 'Number of prefill tokens processed.', labelNames: model, registers });
    this.generationTokens = new Counter({ name: VLLM_METRICS.generationTokens, help: 'Number of generation tokens processed.', labelNames: model, registers });
    this.running = new Gauge({ name: VLLM_METRICS.requestsRunning, help: 'Number of requests in model execution batches.', labelNames: model, registers });
    this.waiting = new Gauge({ name: VLLM_METRICS.requestsWaiting, help: 'Number of requests waiting to be processed.', labelNames: model, registers });
    this.e2e = new Histogram({ name: VLLM_METRICS.e2eLatency, help: 'Histogram of end to end request latency in seconds.', labelNames: model, buckets: LATENCY_BUCKETS, registers });
    this.ttft = new Histogram({ name: VLLM_METRICS.timeToFirstToken, help: 'Histogram of time to first token in seconds.', labelNames: model, buckets: LATENCY_BUCKETS, registers });
    this.success = new Counter({
      name: VLLM_METRICS.requestSuccess,
      help: 'Count of successfully processed requests.',
      labelNames: ['model_name', 'finished_reason'] as const,
      registers,
    });
  }

  /** Makes a model's series exist at 0 as soon as it is served, as vLLM does at start. */
  register(model: string): void {
    const labels = { model_name: model };
    this.running.set(labels, 0);
    this.waiting.set(labels, 0);
    this.promptTokens.inc(labels, 0);
    this.generationTokens.inc(labels, 0);
  }

  /** Drops an unloaded model's series so a reused name starts again from zero. */
  unregister(model: string): void {
    const labels = { model_name: model };
    for (const m of [this.promptTokens, this.generationTokens, this.running, this.waiting, this.e2e, this.ttft]) m.remove(labels);
    for (const reason of ['stop', 'length', 'abort']) this.success.remove({ model_name: model, finished_reason: reason });
  }

  start(model: string): RequestTrack {
    const labels = { model_name: model };
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    let first = false;
    let done = false;
    this.running.inc(labels);
    return {
      firstToken: () => {
        if (first) return;
        first = true;
        this.ttft.observe(labels, seconds());
      },
      finish: (reason, prompt, completion) => {
        if (done) return;
        done = true;
        this.running.dec(labels);
        this.promptTokens.inc(labels, prompt);
        this.generationTokens.inc(labels, completion);
        this.e2e.observe(labels, seconds());
        this.success.inc({ model_name: model, finished_reason: reason });
      },
      fail: () => {
        if (done) return;
        done = true;
        this.running.dec(labels);
      },
    };
  }
}
