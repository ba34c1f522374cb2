import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Subscription } from 'nats';
import { JSONCodec } from 'nats';
import { SUBJECTS } from '@lynx/schema';
import { EventPublisher, LynxLogger, LynxNames, NatsService } from '@lynx/platform';
import type { CostConfig } from '../cost-config';
import { RollupFlusher } from '../flush/rollup-flusher';
import { RegistryClient } from '../registry/registry-client';
import { VersionCatalog } from '../registry/version-catalog';
import { replayStartAfterLoss } from '../rollup/rollup';
import { RollupStore } from '../rollup/rollup-store';
import { COST_CONFIG } from './cost.constants';
import { CostMetrics } from './cost-metrics';
import { CostPipeline } from './cost-pipeline';
import { InferenceConsumer } from './inference-consumer';

const codec = JSONCodec<{ model?: string }>();

/**
 * Runs the cost emitter: the inference consumer, the registry-event listener that refreshes
 * version facts, and the flush timer. A plain interval, not a BullMQ repeatable job: a flush is
 * idempotent (deterministic rollup ids), so replicas flushing at once do no harm.
 */
@Injectable()
export class CostService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: InferenceConsumer;
  private registryEvents?: Subscription;
  private timers: NodeJS.Timeout[] = [];
  private flushing?: Promise<unknown>;
  /** Every window that ended before this was posted (advanced by each flush that failed nothing). */
  private flushedBeforeMs: number;
  readonly flusher: RollupFlusher;

  constructor(
    @Inject(COST_CONFIG) private readonly config: CostConfig,
    private readonly pipeline: CostPipeline,
    private readonly catalog: VersionCatalog,
    private readonly store: RollupStore,
    private readonly metrics: CostMetrics,
    private readonly registry: RegistryClient,
    private readonly nats: NatsService,
    private readonly publisher: EventPublisher,
    private readonly names: LynxNames,
    private readonly logger: LynxLogger,
  ) {
    // At start, what the last process posted is not known here: assume one window more is open.
    this.flushedBeforeMs = Date.now() - config.flushGraceSeconds * 1000 - config.windowSeconds * 1000;
    this.flusher = new RollupFlusher(
      store,
      {
        postUsage: (model, digest, body) => this.registry.postUsage(model, digest, body),
        publish: (event, msgId) => this.publisher.publish(SUBJECTS.costRollup, event, msgId),
      },
      config.flushGraceSeconds * 1000,
      (outcome, rollup, err) => {
        this.metrics.flushes.inc({ outcome });
        if (err) this.logger.warn({ msg: `rollup ${outcome}`, model: rollup.model, digest: rollup.digest, role: rollup.role, err: err.message }, 'Cost');
      },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = new InferenceConsumer(
      () => this.nats.ready(30_000),
      this.pipeline,
      {
        stream: this.names.stream('inference').name,
        durable: this.config.consumer,
        subject: this.names.subject(SUBJECTS.inferenceCompleted),
        batchSize: this.config.batchSize,
        deadLetter: (payload, msgId) => this.publisher.publish(SUBJECTS.inferenceDeadLetter, payload, msgId),
        lost: () => this.recover(),
      },
      (err) => this.logger.error({ msg: 'cost batch failed; redelivery will retry it', err: err.message }, 'Cost'),
    );
    this.consumer.on('batch', () => this.metrics.updateGauges((m, d) => this.catalog.accuracy(m, d)));
    // Start in the background: the app serves /healthz and reports not-ready while NATS is away.
    void this.store.epoch
      .mark()
      .then(() => this.consumer!.start())
      .then(
      () => this.listenToRegistry(),
      (err: Error) => this.logger.error({ msg: 'cost consumer failed to start', err: err.message }, 'Cost'),
    );
    this.every(this.config.flushIntervalSeconds, () => this.flush());
    this.every(this.config.catalogTtlSeconds, async () => {
      await this.catalog.refreshAll();
      this.metrics.updateGauges((m, d) => this.catalog.accuracy(m, d));
    });
  }

  /**
   * Null while Redis holds the rollups. Once it came back empty (a restart without persistence):
   * where to replay the stream from so every rollup not yet posted is rebuilt whole; the event-id
   * marks written since the loss keep the replay from counting twice.
   */
  private async recover(): Promise<number | null> {
    if (!(await this.store.epoch.lost())) return null;
    const from = replayStartAfterLoss(this.flushedBeforeMs, this.config.windowSeconds);
    this.logger.warn({ msg: 'redis lost the cost rollups; replaying the stream', from: new Date(from).toISOString() }, 'Cost');
    return from;
  }

  /** One flush at a time; returns what it did. */
  flush(): Promise<unknown> {
    const cutoff = Date.now() - this.config.flushGraceSeconds * 1000;
    this.flushing ??= this.flusher
      .flushOnce()
      .then((r) => {
        if (r.failed === 0) this.flushedBeforeMs = cutoff;
        return r;
      })
      .catch((err: Error) => this.logger.warn({ msg: 'flush failed', err: err.message }, 'Cost'))
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private listenToRegistry(): void {
    // A registry change (new evaluation, promotion, alias move) may change a price tag or accuracy.
    this.registryEvents = this.nats.connection.subscribe(this.names.subject('lynx.registry.>'), {
      callback: (err, msg) => {
        if (err) return;
        try {
          const model = codec.decode(msg.data).model;
          if (model) this.catalog.invalidate(model);
        } catch {
          // Not ours to judge: the registry's events are validated by their own consumers.
        }
      },
    });
  }

  private every(seconds: number, fn: () => Promise<unknown>): void {
    const t = setInterval(() => void fn().catch(() => undefined), seconds * 1000);
    t.unref();
    this.timers.push(t);
  }

  // Before the platform drains NATS: stop pulling, finish the batch in hand, and flush what is due.
  async beforeApplicationShutdown(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.registryEvents?.unsubscribe();
    await this.consumer?.stop();
    await this.flushing;
  }
}
