import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { EventPublisher } from '@lynx/platform';
import { SUBJECTS, type FeedbackEvent, type InferenceEvent, type ShadowPairEvent } from '@lynx/schema';
import { ROUTER_CONFIG, type RouterConfig } from '../config/router-config';
import { RouterMetrics } from '../metrics/router-metrics';
import { EventBuffer } from './event-buffer';

/** The router's events, published to JetStream in the background with Nats-Msg-Id = event id. */
@Injectable()
export class InferenceEvents implements BeforeApplicationShutdown {
  private readonly buffer: EventBuffer;

  constructor(
    @Inject(EventPublisher) publisher: EventPublisher,
    @Inject(ROUTER_CONFIG) config: RouterConfig,
    @Inject(RouterMetrics) metrics: RouterMetrics,
  ) {
    const timeoutMs = config.eventPublishTimeoutMs;
    this.buffer = new EventBuffer((subject, payload, id) => publisher.publish(subject, payload, id, { timeoutMs }), {
      capacity: config.eventBuffer,
      concurrency: config.eventConcurrency,
      onDrop: (reason) => metrics.eventsDropped.inc({ reason }),
      onPublished: () => metrics.eventsPublished.inc(),
      onDepth: (d) => metrics.eventsQueued.set(d),
    });
  }

  completed(e: InferenceEvent): void {
    this.buffer.push(SUBJECTS.inferenceCompleted, e, e.event_id);
  }

  shadowPair(e: ShadowPairEvent): void {
    this.buffer.push(SUBJECTS.inferenceShadow, e, e.event_id);
  }

  feedback(e: FeedbackEvent): void {
    this.buffer.push(SUBJECTS.inferenceFeedback, e, e.event_id);
  }

  /** Waits until every buffered event is published (tests, shutdown); false on timeout. */
  flush(timeoutMs = 5000): Promise<boolean> {
    return this.buffer.flush(timeoutMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.buffer.flush(2000);
  }
}
