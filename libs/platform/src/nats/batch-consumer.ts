import { EventEmitter } from 'node:events';
import { AckPolicy, DeliverPolicy, nanos, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';

/** What a batch handler reports: the messages (by index in the batch) that failed the schema. */
export interface BatchResult {
  invalid: ReadonlyArray<{ index: number; reason: string }>;
}

/** Published for every message that failed the schema; it is then acked, never redelivered. */
export interface DeadLetter {
  reason: string;
  subject: string;
  stream: string;
  stream_seq: number;
  data: string;
}

export interface BatchConsumerOptions<R extends BatchResult> {
  /** JetStream stream to read. */
  stream: string;
  /** Durable consumer name; replicas sharing it share the work, a restart continues where it acked. */
  durable: string;
  /** Subject filter (already namespaced). */
  subject: string;
  /** Handles the payloads of one batch; throwing naks the whole batch for redelivery. */
  handle: (data: Uint8Array[]) => Promise<R>;
  /** Most messages handed to `handle` at once. Default 500. */
  batchSize?: number;
  /** Messages pulled ahead of handling. Default 2 × batchSize. */
  prefetch?: number;
  /** Batches handled at the same time; only for handlers whose effects commute. Default 1. */
  concurrency?: number;
  /** How long JetStream waits for an ack before redelivering. Default 30 s. */
  ackWaitMs?: number;
  /** Delay before a nak'ed message comes back. Default 1 s. */
  retryDelayMs?: number;
  /** Where schema failures go, with the reason. A failed publish naks the message so it comes back. */
  deadLetter?: (payload: DeadLetter, msgId: string) => Promise<unknown>;
  /**
   * Checked before each batch: a time (ms) when the handler's store lost its state (e.g. Redis came
   * back empty), else null. The consumer then replays the stream from that time — its durable
   * consumer is made again, delivering from there — and drops the batches in hand, which the
   * replay brings back; the handler's dedup keeps what it counted since the loss from counting twice.
   */
  lost?: () => Promise<number | null>;
  /** Test seam: runs after a batch is handled and before it is acked; throwing leaves it unacked. */
  beforeAck?: (batch: readonly JsMsg[]) => Promise<void> | void;
  onError?: (err: Error) => void;
}

/**
 * Durable, explicit-ack JetStream consumer that handles messages in batches: whatever has
 * arrived by the next event-loop turn (up to batchSize) is handed over at once, so a store call
 * is amortised without a timer. Acks go out only after the handler returned, so a crash in
 * between causes a redelivery, never a loss: handlers must be idempotent (dedup by event id).
 * Emits `batch` with the handler's result after each acked batch.
 */
export class BatchConsumer<R extends BatchResult> extends EventEmitter {
  private messages?: ConsumerMessages;
  private readonly buffer: JsMsg[] = [];
  private scheduled = false;
  private draining?: Promise<void>;
  private stopping?: Promise<void>;
  private rewinding?: Promise<void>;

  constructor(
    private readonly nats: NatsConnection | (() => Promise<NatsConnection>),
    private readonly opts: BatchConsumerOptions<R>,
  ) {
    super();
  }

  private get batchSize(): number {
    return this.opts.batchSize ?? 500;
  }

  /** Creates the durable consumer when missing and starts pulling. */
  async start(): Promise<void> {
    const nc = await this.connection();
    const jsm = await nc.jetstreamManager();
    try {
      await jsm.consumers.info(this.opts.stream, this.opts.durable);
    } catch {
      await this.addConsumer(nc, { deliver_policy: DeliverPolicy.All });
    }
    await this.consume(nc);
  }

  private connection(): Promise<NatsConnection> {
    return typeof this.nats === 'function' ? this.nats() : Promise.resolve(this.nats);
  }

  private async addConsumer(nc: NatsConnection, from: { deliver_policy: DeliverPolicy; opt_start_time?: string }): Promise<void> {
    const jsm = await nc.jetstreamManager();
    await jsm.consumers.add(this.opts.stream, {
      durable_name: this.opts.durable,
      ack_policy: AckPolicy.Explicit,
      filter_subject: this.opts.subject,
      ack_wait: nanos(this.opts.ackWaitMs ?? 30_000),
      max_ack_pending: 20_000,
      ...from,
    });
  }

  private async consume(nc: NatsConnection): Promise<void> {
    const consumer = await nc.jetstream().consumers.get(this.opts.stream, this.opts.durable);
    this.messages = await consumer.consume({ max_messages: this.opts.prefetch ?? this.batchSize * 2, callback: (m) => this.enqueue(m) });
  }

  /**
   * Replays the stream from `fromMs`: stops pulling, makes the durable consumer again with a start
   * time (its acks described a state the store no longer has) and pulls from there. With replicas
   * sharing the durable, the first to see the loss rewinds it for all.
   */
  private rewind(fromMs: number): Promise<void> {
    this.rewinding ??= (async () => {
      const old = this.messages;
      this.messages = undefined;
      await old?.close();
      this.buffer.length = 0;
      if (this.stopping) return;
      const nc = await this.connection();
      const jsm = await nc.jetstreamManager();
      await jsm.consumers.delete(this.opts.stream, this.opts.durable).catch(() => undefined);
      await this.addConsumer(nc, { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(fromMs).toISOString() });
      await this.consume(nc);
    })()
      .catch((err) => this.fail(err))
      .finally(() => (this.rewinding = undefined));
    return this.rewinding;
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
      const limit = this.opts.concurrency ?? 1;
      const inFlight = new Set<Promise<void>>();
      while (this.buffer.length > 0) {
        const p: Promise<void> = this.handle(this.buffer.splice(0, this.batchSize)).finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= limit) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    } finally {
      this.draining = undefined;
      done();
    }
  }

  private async handle(batch: Array<JsMsg | undefined>): Promise<void> {
    const retry = this.opts.retryDelayMs ?? 1000;
    // Batches of the consumer being replaced are dropped unacked: the replay brings them back.
    if (this.rewinding) return;
    let result: R;
    try {
      const lostAt = this.opts.lost ? await this.opts.lost() : null;
      if (lostAt !== null) return void (await this.rewind(lostAt));
      result = await this.opts.handle(batch.map((m) => m!.data));
    } catch (err) {
      this.fail(err);
      for (const m of batch) m!.nak(retry);
      return;
    }
    for (const bad of result.invalid) {
      const m = batch[bad.index]!;
      if (!this.opts.deadLetter) continue;
      const payload: DeadLetter = { reason: bad.reason, subject: m.subject, stream: this.opts.stream, stream_seq: m.seq, data: m.string() };
      try {
        await this.opts.deadLetter(payload, `dead-${this.opts.stream}-${m.seq}`);
      } catch (err) {
        // Not acked: it comes back and is dead-lettered again once the publish goes through.
        this.fail(err);
        m.nak(retry);
        batch[bad.index] = undefined;
      }
    }
    if (this.opts.beforeAck) {
      try {
        await this.opts.beforeAck(batch.filter((m): m is JsMsg => m !== undefined));
      } catch (err) {
        // Behaves like a crash between handling and acking: the batch stays unacked and comes back.
        this.fail(err);
        return;
      }
    }
    for (const m of batch) m?.ack();
    this.emit('batch', result);
  }

  private fail(err: unknown): void {
    this.opts.onError?.(err instanceof Error ? err : new Error(String(err)));
  }

  /** Stops pulling and finishes the batches in hand; messages not yet handled are redelivered. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.rewinding;
      await this.messages?.close();
      await this.draining;
    })();
    return this.stopping;
  }
}
