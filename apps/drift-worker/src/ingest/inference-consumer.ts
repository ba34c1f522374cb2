import { EventEmitter } from 'node:events';
import { AckPolicy, DeliverPolicy, nanos, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import type { BatchOutcome, IngestPipeline } from './ingest-pipeline';

export interface DeadLetter {
  reason: string;
  subject: string;
  stream: string;
  stream_seq: number;
  data: string;
}

export interface InferenceConsumerOptions {
  stream: string;
  durable: string;
  subject: string;
  batchSize: number;
  ackWaitMs: number;
  deadLetter: (payload: DeadLetter, msgId: string) => Promise<unknown>;
  /** Test seam: runs after a batch is aggregated and before it is acked. */
  beforeAck?: (batch: readonly JsMsg[]) => Promise<void> | void;
}

/**
 * Durable, explicit-ack JetStream consumer of lynx.inference.completed. Whatever has arrived by
 * the next event-loop turn (up to batchSize) is aggregated in one Redis call and then acked, so
 * a crash between the two only causes a redelivery, which the event-id marks make harmless.
 * Schema failures are dead-lettered with the reason and acked. Emits `batch` (BatchOutcome).
 */
export class InferenceConsumer extends EventEmitter {
  private messages?: ConsumerMessages;
  private readonly buffer: JsMsg[] = [];
  private scheduled = false;
  private draining?: Promise<void>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly pipeline: IngestPipeline,
    private readonly opts: InferenceConsumerOptions,
    private readonly onError: (err: Error) => void,
  ) {
    super();
  }

  async start(): Promise<void> {
    const jsm = await this.nc.jetstreamManager();
    try {
      await jsm.consumers.info(this.opts.stream, this.opts.durable);
    } catch {
      await jsm.consumers.add(this.opts.stream, {
        durable_name: this.opts.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: this.opts.subject,
        ack_wait: nanos(this.opts.ackWaitMs),
        max_ack_pending: 20_000,
      });
    }
    const consumer = await this.nc.jetstream().consumers.get(this.opts.stream, this.opts.durable);
    this.messages = await consumer.consume({ max_messages: this.opts.batchSize * 4, callback: (m) => this.enqueue(m) });
  }

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
      // Two batches in flight: the next batch's feature extraction overlaps the Redis call of the
      // previous one. Aggregation is commutative, so their order does not matter.
      const inFlight = new Set<Promise<void>>();
      while (this.buffer.length > 0) {
        const p: Promise<void> = this.handle(this.buffer.splice(0, this.opts.batchSize)).finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= 2) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
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
      const payload = { reason: bad.reason, subject: m.subject, stream: this.opts.stream, stream_seq: m.seq, data: m.string() };
      try {
        await this.opts.deadLetter(payload, `dead-${this.opts.stream}-${m.seq}`);
      } catch (err) {
        // Not acked: it comes back and is dead-lettered again once NATS takes the publish.
        this.onError(err as Error);
        m.nak(1000);
        batch[bad.index] = undefined as unknown as JsMsg;
      }
    }
    if (this.opts.beforeAck) {
      try {
        await this.opts.beforeAck(batch);
      } catch (err) {
        // Behaves like a crash between aggregating and acking: the batch stays unacked and comes back.
        this.onError(err as Error);
        return;
      }
    }
    for (const m of batch) m?.ack();
    this.emit('batch', outcome);
  }

  /** Stops pulling and finishes the batch in hand; messages not yet handled are redelivered. */
  async stop(): Promise<void> {
    await this.messages?.close();
    await this.draining;
  }
}
