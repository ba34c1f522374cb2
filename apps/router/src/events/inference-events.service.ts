import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { LynxNames, NatsService } from '@lynx/platform';
import { SUBJECTS, type FeedbackEvent, type InferenceEvent, type ShadowPairEvent } from '@lynx/schema';
import { ROUTER_CONFIG, type RouterConfig } from '../config/router-config';
import { RouterMetrics } from '../metrics/router-metrics';
import { EventBuffer } from './event-buffer';
import { PipelinedPublisher } from './pipelined-publisher';

/** The router's events, published to JetStream in the background with Nats-Msg-Id = event id. */
@Injectable()
export class InferenceEvents implements BeforeApplicationShutdown {
  private readonly buffer: EventBuffer;
  private readonly publisher: PipelinedPublisher;
  private readonly enabled: boolean;
  private readonly onDisabled: () => void;

  constructor(
    @Inject(NatsService) nats: NatsService,
    @Inject(LynxNames) names: LynxNames,
    @Inject(ROUTER_CONFIG) config: RouterConfig,
    @Inject(RouterMetrics) metrics: RouterMetrics,
  ) {
    this.enabled = config.events;
    this.onDisabled = () => metrics.eventsDropped.inc({ reason: 'disabled' });
    this.publisher = new PipelinedPublisher(nats, names, config.eventPublishTimeoutMs);
    this.buffer = new EventBuffer((subject, payload, id) => this.publisher.publish(subject, payload, id), {
      capacity: config.eventBuffer,
      concurrency: config.eventConcurrency,
      lingerMs: config.eventLingerMs,
      onDrop: (reason) => metrics.eventsDropped.inc({ reason }),
      onPublished: () => metrics.eventsPublished.inc(),
      onDepth: (d) => metrics.eventsQueued.set(d),
    });
  }

  completed(e: InferenceEvent): void {
    this.push(SUBJECTS.inferenceCompleted, e, e.event_id);
  }

  shadowPair(e: ShadowPairEvent): void {
    this.push(SUBJECTS.inferenceShadow, e, e.event_id);
  }

  feedback(e: FeedbackEvent): void {
    this.push(SUBJECTS.inferenceFeedback, e, e.event_id);
  }

  private push(subject: string, e: unknown, id: string): void {
    if (this.enabled) this.buffer.push(subject, e, id);
    else this.onDisabled();
  }

  /** Waits until every buffered event is published (tests, shutdown); false on timeout. */
  flush(timeoutMs = 5000): Promise<boolean> {
    return this.buffer.flush(timeoutMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.buffer.flush(2000);
    this.publisher.close();
  }
}
