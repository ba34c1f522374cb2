import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { JsMsg } from 'nats';
import { Counter, type Registry } from 'prom-client';
import { EventPublisher, LynxLogger, LynxNames, METRICS_REGISTRY, NatsService } from '@lynx/platform';
import { SUBJECTS } from '@lynx/schema';
import { DRIFT_CONFIG, type DriftConfig } from '../config/drift-config';
import { InferenceConsumer } from './inference-consumer';
import { IngestPipeline, type BatchOutcome } from './ingest-pipeline';

/** Test seam: a hook run between aggregating a batch and acking it. */
export const BEFORE_ACK = 'LYNX_DRIFT_BEFORE_ACK';

/** Starts the inference consumer once the app is up and stops it (finishing its batch) at shutdown. */
@Injectable()
export class ConsumerRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  consumer?: InferenceConsumer;
  private readonly events: Counter;
  private readonly deadLetters: Counter;
  private readonly unknownDigest: Counter;

  constructor(
    @Inject(NatsService) private readonly nats: NatsService,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(LynxNames) private readonly names: LynxNames,
    @Inject(LynxLogger) private readonly logger: LynxLogger,
    @Inject(IngestPipeline) private readonly pipeline: IngestPipeline,
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
      },
      (err) => this.logger.error({ msg: 'drift batch failed; will be redelivered', err: err.message }, undefined, 'DriftConsumer'),
    );
    this.consumer.on('batch', (o: BatchOutcome) => {
      this.events.inc({ outcome: 'added' }, o.added);
      this.events.inc({ outcome: 'duplicate' }, o.duplicates);
      this.deadLetters.inc(o.invalid.length);
      this.unknownDigest.inc(o.unknownDigest);
    });
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
