import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { JsMsg } from 'nats';
import { Counter, type Registry } from 'prom-client';
import { EventPublisher, LynxLogger, LynxNames, METRICS_REGISTRY, NatsService } from '@lynx/platform';
import { SUBJECTS } from '@lynx/schema';
import { DRIFT_CONFIG, type DriftConfig } from '../config/drift-config';
import { DocStore } from '../store/doc-store';
import { WindowStore } from '../store/window-store';
import { InferenceConsumer } from './inference-consumer';
import { IngestPipeline, type BatchOutcome } from './ingest-pipeline';

/** Test seam: a hook run between aggregating a batch and acking it. */
export const BEFORE_ACK = 'LYNX_DRIFT_BEFORE_ACK';

/** A window id is `w-<start ms>` (a rotation in the same millisecond adds 1). */
const windowStartOf = (id: string): number => Number(id.slice(2));

/**
 * Starts the inference consumer once the app is up and stops it (finishing its batch) at shutdown.
 * If Redis comes back empty (a restart without persistence), the open window is restored, the
 * profiles this worker used are written back, and the stream is replayed from the window's start:
 * the window's counts come back as if Redis had never gone (the event-id marks written since the
 * loss keep the replay from counting twice). Closed windows, reports and decision state are not
 * rebuilt: the next window decides afresh.
 */
@Injectable()
export class ConsumerRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  consumer?: InferenceConsumer;
  /** The window batches were last counted into. */
  private open?: { id: string; startMs: number };
  private readonly events: Counter;
  private readonly deadLetters: Counter;
  private readonly unknownDigest: Counter;

  constructor(
    @Inject(NatsService) private readonly nats: NatsService,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(LynxNames) private readonly names: LynxNames,
    @Inject(LynxLogger) private readonly logger: LynxLogger,
    @Inject(IngestPipeline) private readonly pipeline: IngestPipeline,
    @Inject(WindowStore) private readonly windows: WindowStore,
    @Inject(DocStore) private readonly docs: DocStore,
    @Inject(DRIFT_CONFIG) private readonly config: DriftConfig,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(BEFORE_ACK) private readonly beforeAck: ((batch: readonly JsMsg[]) => Promise<void> | void) | null,
  ) {
    const registers = [registry];
    this.events = new Counter({ name: 'lynx_drift_events_total', help: 'Inference events by outcome (added, duplicate)', labelNames: ['outcome'], registers });
    this.deadLetters = new Counter({ name: 'lynx_drift_dead_letters_total', help: 'Events that failed the schema and were dead-lettered', registers });
    this.unknownDigest = new Counter({ name: 'lynx_drift_unknown_digest_total', help: 'Events of a digest without a reference profile', registers });
  }

  async onApplicationBootstrap(): Promise<void> {
    const nc = await this.nats.ready(10_000);
    await this.windows.markEpoch();
    const w = await this.windows.currentWindow();
    this.open = { id: w.id, startMs: Date.parse(w.start) };
    this.consumer = new InferenceConsumer(
      nc,
      this.pipeline,
      {
        stream: this.config.stream ?? this.names.stream('inference').name,
        durable: this.config.consumer,
        subject: this.names.subject(SUBJECTS.inferenceCompleted),
        batchSize: this.config.batchSize,
        ackWaitMs: this.config.ackWaitMs,
        deadLetter: (payload, msgId) => this.publisher.publish(SUBJECTS.inferenceDeadLetter, payload, msgId),
        beforeAck: this.beforeAck ?? undefined,
        lost: () => this.recover(),
      },
      (err) => this.logger.error({ msg: 'drift batch failed; will be redelivered', err: err.message }, undefined, 'DriftConsumer'),
    );
    this.consumer.on('batch', (o: BatchOutcome) => {
      if (o.windowId && o.windowId !== this.open?.id) this.open = { id: o.windowId, startMs: windowStartOf(o.windowId) };
      this.events.inc({ outcome: 'added' }, o.added);
      this.events.inc({ outcome: 'duplicate' }, o.duplicates);
      this.deadLetters.inc(o.invalid.length);
      this.unknownDigest.inc(o.unknownDigest);
    });
    await this.consumer.start();
  }

  /** Null while Redis holds its state; after a loss, restores it and answers where to replay from. */
  private async recover(): Promise<number | null> {
    if (!this.open || !(await this.windows.recover(this.open))) return null;
    for (const profile of this.pipeline.knownProfiles()) await this.docs.putProfile(profile);
    this.logger.warn({ msg: 'redis lost the drift state; replaying the open window from the stream', window: this.open.id }, 'DriftConsumer');
    return this.open.startMs;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
