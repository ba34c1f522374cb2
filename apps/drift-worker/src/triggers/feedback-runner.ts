import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventPublisher, LynxLogger, LynxNames, NatsService } from '@lynx/platform';
import { SUBJECTS } from '@lynx/schema';
import { DRIFT_CONFIG, type DriftConfig } from '../config/drift-config';
import { WindowStore } from '../store/window-store';
import { FeedbackConsumer } from './feedback-consumer';
import { FeedbackStore } from './feedback-store';

/** Starts the feedback consumer (durable `<consumer>-feedback`) once the app is up; stops it at shutdown. */
@Injectable()
export class FeedbackRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  consumer?: FeedbackConsumer;

  constructor(
    @Inject(NatsService) private readonly nats: NatsService,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(LynxNames) private readonly names: LynxNames,
    @Inject(LynxLogger) private readonly logger: LynxLogger,
    @Inject(WindowStore) private readonly windows: WindowStore,
    @Inject(FeedbackStore) private readonly store: FeedbackStore,
    @Inject(DRIFT_CONFIG) private readonly config: DriftConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const nc = await this.nats.ready(10_000);
    this.consumer = new FeedbackConsumer(
      nc,
      this.windows,
      this.store,
      {
        stream: this.config.stream ?? this.names.stream('inference').name,
        durable: `${this.config.consumer}-feedback`,
        subject: this.names.subject(SUBJECTS.inferenceFeedback),
        batchSize: this.config.batchSize,
        ackWaitMs: this.config.ackWaitMs,
        deadLetter: (payload, msgId) => this.publisher.publish(SUBJECTS.inferenceDeadLetter, payload, msgId),
      },
      (err) => this.logger.error({ msg: 'feedback batch failed; will be redelivered', err: err.message }, undefined, 'DriftFeedback'),
    );
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
