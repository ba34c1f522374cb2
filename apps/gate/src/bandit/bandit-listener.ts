import { EventEmitter } from 'node:events';
import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JsMsg } from 'nats';
import type { Judge } from '@lynx/gate';
import type { LynxLogger, LynxNames, NatsService } from '@lynx/platform';
import { SUBJECTS, feedbackEventSchema, inferenceEventSchema } from '@lynx/schema';
import type { BanditStatsStore } from './bandit-stats';

/**
 * Feeds the bandit's counts from the router's events, as the canary's listener does for canaries:
 * a durable, explicit-ack consumer of lynx.inference.> ('gate-bandit') that counts `completed`
 * events of role `bandit` (errors; the tutor's grader where it knows the input) and `feedback`
 * events on bandit answers (`accepted`), per (model, digest), each event once. Emits `ingested`.
 */
export class BanditListener extends EventEmitter {
  private messages?: ConsumerMessages;

  constructor(
    private readonly nats: NatsService,
    private readonly names: LynxNames,
    private readonly stats: BanditStatsStore,
    private readonly judge: Judge,
    private readonly logger: LynxLogger,
  ) {
    super();
  }

  async start(): Promise<void> {
    const nc = await this.nats.ready(10_000);
    const stream = this.names.stream('inference').name;
    const durable = 'gate-bandit';
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
        if (e.success && e.data.role === 'bandit') {
          const j = this.judge(e.data.input, e.data.output);
          await this.stats.recordRequest(e.data.event_id, e.data.model, e.data.digest, { error: e.data.status === 'error', judged: j ? e.data.status === 'ok' && j.ok : undefined });
        }
      } else if (m.subject === this.names.subject(SUBJECTS.inferenceFeedback)) {
        const f = feedbackEventSchema.safeParse(body);
        if (f.success && f.data.role === 'bandit' && f.data.model && f.data.digest) await this.stats.recordFeedback(f.data.event_id, f.data.model, f.data.digest, f.data.accepted);
      }
      m.ack();
      this.emit('ingested', m.subject);
    } catch (err) {
      this.logger.warn({ msg: 'bandit stats: event not counted, will be redelivered', err: (err as Error).message }, 'Bandit');
      m.nak(1000);
    }
  }

  async stop(): Promise<void> {
    await this.messages?.close();
  }
}
