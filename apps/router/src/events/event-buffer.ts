/** Something that publishes one event and resolves on the server's ack (EventPublisher). */
export type PublishFn = (subject: string, payload: unknown, msgId: string) => Promise<unknown>;

export interface EventBufferOptions {
  capacity: number;
  concurrency: number;
  /**
   * Publish attempts per event before it is dropped as `failed`; default unbounded: a failed
   * publish goes back into the buffer and is retried (its Nats-Msg-Id makes a retry that was in
   * fact stored a no-op), so events are dropped only when the buffer overflows.
   */
  attempts?: number;
  /** First pause after a failed publish before the buffer is pumped again; doubles up to 2 s. */
  retryBackoffMs?: number;
  /**
   * How long a new event may wait for others before the batch goes out (Kafka's `linger.ms`);
   * 0: at the end of the current event-loop turn.
   */
  lingerMs?: number;
  onDrop(reason: 'overflow' | 'failed'): void;
  onPublished?(): void;
  onDepth?(depth: number): void;
}

interface Pending {
  subject: string;
  payload: unknown;
  id: string;
  attempts: number;
}

/**
 * A bounded in-memory queue drained in the background with a bounded number of publishes in
 * flight. `push` never waits and never throws: when the queue is full (NATS slow or down) the
 * event is dropped and counted, so a request is never held up by the event bus. A failed publish
 * goes back into the queue and is retried after a backoff, so an outage loses nothing while the
 * queue has room.
 */
export class EventBuffer {
  private items: Array<Pending | undefined> = [];
  private head = 0;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private pumpScheduled = false;
  private reportedDepth = -1;
  private readonly attempts: number;
  private readonly lingerMs: number;
  private readonly backoffMs: number;
  /** Consecutive failed publishes; while > 0 the pump waits a backoff (NATS down: no busy loop). */
  private failures = 0;
  private pausedUntil = 0;

  constructor(
    private readonly publish: PublishFn,
    private readonly options: EventBufferOptions,
  ) {
    this.attempts = options.attempts ?? Number.POSITIVE_INFINITY;
    this.lingerMs = options.lingerMs ?? 0;
    this.backoffMs = options.retryBackoffMs ?? 50;
  }

  get depth(): number {
    return this.items.length - this.head;
  }

  push(subject: string, payload: unknown, id: string): boolean {
    return this.enqueue({ subject, payload, id, attempts: 0 });
  }

  /** Resolves when nothing is queued or in flight, or after timeoutMs (shutdown, tests). */
  async flush(timeoutMs: number): Promise<boolean> {
    if (this.depth === 0 && this.inFlight === 0) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private enqueue(e: Pending): boolean {
    if (this.depth >= this.options.capacity) {
      this.options.onDrop('overflow');
      return false;
    }
    this.items.push(e);
    this.schedulePump();
    return true;
  }

  // One pump per batch, not one per event: nats.js writes what is published in one turn as one
  // socket write, and nats-server acks a batch together. At a steady 1 000 req/s each request was
  // its own turn, so every event cost a write, a wake-up and an ack (~130 µs of nats-server CPU per
  // event against ~30 when batched); lingering a few ms batches them at any rate.
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    const run = () => {
      this.pumpScheduled = false;
      this.pump();
    };
    const wait = Math.max(this.lingerMs, this.pausedUntil - Date.now());
    if (wait > 0) setTimeout(run, wait);
    else setImmediate(run);
  }

  private take(): Pending | undefined {
    if (this.head >= this.items.length) return undefined;
    const e = this.items[this.head];
    this.items[this.head++] = undefined;
    // Compact now and then so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return e;
  }

  private pump(): void {
    if (this.pausedUntil > Date.now()) return this.schedulePump();
    while (this.inFlight < this.options.concurrency) {
      const e = this.take();
      if (!e) break;
      this.inFlight++;
      this.publish(e.subject, e.payload, e.id).then(
        () => {
          this.failures = 0;
          this.options.onPublished?.();
          this.settle();
        },
        () => {
          e.attempts++;
          this.failures++;
          this.pausedUntil = Date.now() + Math.min(2000, this.backoffMs * 2 ** Math.min(this.failures - 1, 6));
          if (e.attempts >= this.attempts) this.options.onDrop('failed');
          else this.enqueue(e); // full: counted as an overflow, as a new event would be
          this.settle();
        },
      );
    }
    // Only when it changed: at a steady rate the depth stays 0 and every ack ran this.
    if (this.depth !== this.reportedDepth) {
      this.reportedDepth = this.depth;
      this.options.onDepth?.(this.depth);
    }
  }

  private settle(): void {
    this.inFlight--;
    this.pump();
    if (this.depth === 0 && this.inFlight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
