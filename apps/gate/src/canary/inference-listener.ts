import { EventEmitter } from 'node:events';
import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JsMsg } from 'nats';
import type { Judge } from '@lynx/gate';
import type { LynxLogger, LynxNames, NatsService } from '@lynx/platform';
import { SUBJECTS, feedbackEventSchema, inferenceEventSchema } from '@lynx/schema';
import type { CanaryStatsStore } from './canary-stats';

const ARM_ROLES = new Set(['canary', 'stable']);

/**
 * Feeds canary statistics from the router's events: a durable, explicit-ack JetStream consumer of
 * lynx.inference.> that counts `completed` events of the canary and stable roles (errors,
 * latency, and the tutor's grader where the input is a known item) and `feedback` events that
 * name a digest. It starts at new messages: canary windows are about now, not the stream's past.
 * Emits `ingested` after each message (tests await it).
 */
export class InferenceListener extends EventEmitter {
  private messages?: ConsumerMessages;

  constructor(
    private readonly nats: NatsService,
    private readonly names: LynxNames,
    private readonly stats: CanaryStatsStore,
    private readonly judge: Judge,
    private readonly logger: LynxLogger,
  ) {
    super();
  }

  async start(): Promise<void> {
    const nc = await this.nats.ready(10_000);
    const stream = this.names.stream('inference').name;
    const durable = 'gate-canary';
    const jsm = await nc.jetstreamManager();
    try {
      await jsm.consumers.info(stream, durable);
    } catch {
      await jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        filter_subject: this.names.subject('lynx.inference.>'),
      });
    }
    const consumer = await nc.jetstream().consumers.get(stream, durable);
    this.messages = await consumer.consume({ callback: (m) => void this.handle(m) });
  }

  private async handle(m: JsMsg): Promise<void> {
    try {
      const body = m.json<unknown>();
      if (m.subject === this.names.subject(SUBJECTS.inferenceCompleted)) {
        const e = inferenceEventSchema.safeParse(body);
        if (e.success && ARM_ROLES.has(e.data.role)) {
          const j = this.judge(e.data.input, e.data.output);
          const judged = j ? e.data.status === 'ok' && j.ok : undefined;
          await this.stats.recordRequest(e.data.model, e.data.digest, { error: e.data.status === 'error', latencyMs: e.data.latency_ms, judged });
        }
      } else if (m.subject === this.names.subject(SUBJECTS.inferenceFeedback)) {
        const f = feedbackEventSchema.safeParse(body);
        if (f.success && f.data.model && f.data.digest) await this.stats.recordFeedback(f.data.model, f.data.digest, f.data.accepted);
      }
      m.ack();
      this.emit('ingested', m.subject);
    } catch (err) {
      this.logger.warn({ msg: 'canary stats: event not counted, will be redelivered', err: (err as Error).message }, 'Canary');
      m.nak(1000);
    }
  }

  async stop(): Promise<void> {
    await this.messages?.close();
  }
}
