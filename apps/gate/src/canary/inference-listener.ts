import { EventEmitter } from 'node:events';
import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JsMsg } from 'nats';
import type { Judge } from '@lynx/gate';
import type { LynxLogger, LynxNames, NatsService } from '@lynx/platform';
import { SUBJECTS, feedbackEventSchema, inferenceEventSchema, type FeedbackEvent, type InferenceEvent } from '@lynx/schema';

/** What one of the gate's statistics counts from the router's events. */
export interface InferenceCounting {
  /** The durable consumer's name (one per kind of statistics). */
  durable: string;
  /** Log context and wording ("Canary", "Bandit"). */
  context: string;
  /** Roles of the completed answers it counts (only these are graded). */
  roles: ReadonlySet<string>;
  /** Roles of the feedback it counts; all roles when absent. */
  feedbackRoles?: ReadonlySet<string>;
  /** A completed answer, with the tutor's grade where the input is a known item (else undefined). */
  completed: (e: InferenceEvent, judged: boolean | undefined) => Promise<unknown> | void;
  /** A feedback event that names its model and digest. */
  feedback: (f: FeedbackEvent & { model: string; digest: string }) => Promise<unknown> | void;
}

/**
 * Feeds one of the gate's statistics (canary, bandit) from the router's events: a durable,
 * explicit-ack JetStream consumer of lynx.inference.> that hands `completed` events (graded by the
 * tutor where it knows the input) and `feedback` events that name a digest to `counting`. It starts
 * at new messages: the statistics are about now, not the stream's past. A message whose counting
 * fails is redelivered. Emits `ingested` after each message (tests await it).
 */
export class InferenceListener extends EventEmitter {
  private messages?: ConsumerMessages;

  constructor(
    private readonly nats: NatsService,
    private readonly names: LynxNames,
    private readonly judge: Judge,
    private readonly logger: LynxLogger,
    private readonly counting: InferenceCounting,
  ) {
    super();
  }

  async start(): Promise<void> {
    const nc = await this.nats.ready(10_000);
    const stream = this.names.stream('inference').name;
    const { durable } = this.counting;
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
        if (e.success && this.counting.roles.has(e.data.role)) {
          const j = this.judge(e.data.input, e.data.output);
          await this.counting.completed(e.data, j ? e.data.status === 'ok' && j.ok : undefined);
        }
      } else if (m.subject === this.names.subject(SUBJECTS.inferenceFeedback)) {
        const f = feedbackEventSchema.safeParse(body);
        const counted = f.success && (!this.counting.feedbackRoles || this.counting.feedbackRoles.has(f.data.role ?? ''));
        if (f.success && counted && f.data.model && f.data.digest) await this.counting.feedback({ ...f.data, model: f.data.model, digest: f.data.digest });
      }
      m.ack();
      this.emit('ingested', m.subject);
    } catch (err) {
      this.logger.warn({ msg: `${this.counting.context.toLowerCase()} stats: event not counted, will be redelivered`, err: (err as Error).message }, this.counting.context);
      m.nak(1000);
    }
  }

  async stop(): Promise<void> {
    await this.messages?.close();
  }
}
