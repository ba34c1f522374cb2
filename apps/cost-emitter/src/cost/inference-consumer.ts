import { EventEmitter } from 'node:events';
import { AckPolicy, DeliverPolicy, nanos, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import type { BatchOutcome, CostPipeline } from './cost-pipeline';

export interface InferenceConsumerOptions {
  /** JetStream stream holding the inference events (LYNX_INFERENCE in the namespace). */
  stream: string;
  /** Durable consumer name; replicas sharing it share the work. */
  durable: string;
  /** Subject filter: lynx.inference.completed in the namespace. */
  subject: string;
  /** Most messages priced in one Redis script call. */
  batchSize?: number;
  /** How long JetStream waits for an ack before redelivering. */
  ackWaitMs?: number;
  /** Where schema-failing events go, with the reason (they are acked, never redelivered). */
  deadLetter?: (payload: { reason: string; subject: string; stream_seq: number; data: string }, msgId: string) => Promise<unknown>;
}

/**
 * Durable, explicit-ack JetStream consumer of inference events. Messages are gathered into
 * batches (whatever has arrived by the next event-loop turn, up to batchSize), priced and rolled up in one Redis call, then
 * acked. If Redis fails the batch is nak'ed with a delay and comes back; the Redis dedup marks
 * make the retry count each event once. Emits `batch` (BatchOutcome) after each batch.
 */
export class InferenceConsumer extends EventEmitter {
  private messages?: ConsumerMessages;
  private readonly buffer: JsMsg[] = [];
  private scheduled = false;
  private draining?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly connect: () => Promise<NatsConnection>,
    private readonly pipeline: CostPipeline,
    private readonly opts: InferenceConsumerOptions,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {
    super();
  }

  async start(): Promise<void> {
    const nc = await this.connect();
    const jsm = await nc.jetstreamManager();
    try {
      await jsm.consumers.info(this.opts.stream, this.opts.durable);
    } catch {
      await jsm.consumers.add(this.opts.stream, {
        durable_name: this.opts.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: this.opts.subject,
        ack_wait: nanos(this.opts.ackWaitMs ?? 30_000),
        max_ack_pending: 20_000,
      });
    }
    const consumer = await nc.jetstream().consumers.get(this.opts.stream, this.opts.durable);
    this.messages = await consumer.consume({ max_messages: this.batchSize * 2, callback: (m) => this.enqueue(m) });
  }

  private get batchSize(): number {
    return this.opts.batchSize ?? 500;
  }

  // Messages arrive one by one; whatever has arrived by the next turn of the event loop is
  // priced together, one batch at a time, so the Redis call is amortised without a timer.
  private enqueue(m: JsMsg): void {
    this.buffer.push(m);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.drain());
    }
  }

  private async drain(): Promise<void> {
    this.scheduled = false;
    if (this.draining) return;
    let done!: () => void;
    this.draining = new Promise<void>((resolve) => (done = resolve));
    try {
      while (this.buffer.length > 0) await this.handle(this.buffer.splice(0, this.batchSize));
    } finally {
      this.draining = undefined;
      done();
    }
  }

  private async handle(batch: JsMsg[]): Promise<void> {
    let outcome: BatchOutcome;
    try {
      outcome = await this.pipeline.process(batch.map((m) => m.data));
    } catch (err) {
      this.onError(err as Error);
      for (const m of batch) m.nak(1000);
      return;
    }
    for (const bad of outcome.invalid) {
      const m = batch[bad.index];
      if (this.opts.deadLetter) {
        const payload = { reason: bad.reason, subject: m.subject, stream_seq: m.seq, data: m.string() };
        await this.opts.deadLetter(payload, `dead-${this.opts.stream}-${m.seq}`).catch((err: Error) => this.onError(err));
      }
    }
    for (const m of batch) m.ack();
    this.emit('batch', outcome);
  }

  /** Stops pulling and finishes the batch in hand (its acks are sent before the connection drains). */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.messages?.close();
    await this.draining;
    // Messages that arrived after the last batch started are left unacked: JetStream redelivers them.
  }
}
