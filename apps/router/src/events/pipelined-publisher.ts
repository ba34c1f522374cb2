import { JSONCodec, createInbox, headers, type NatsConnection, type Subscription } from 'nats';
import type { LynxNames, NatsService } from '@lynx/platform';

const codec = JSONCodec();

interface Waiting {
  resolve(): void;
  reject(err: Error): void;
  deadline: number;
}

/**
 * JetStream publishing with many messages in flight and one reply subscription for all the acks.
 * nats.js's `js.publish` is a request per message (a timer, a mux entry and a captured stack each),
 * which cost the router more than the proxying itself; this publishes with a reply subject of our
 * own and matches the PubAcks by token, as Go's PublishAsync does. Still at-least-once: every
 * message carries Nats-Msg-Id, each promise settles on the server's ack, an error, or the timeout.
 */
export class PipelinedPublisher {
  private readonly waiting = new Map<string, Waiting>();
  private sub?: Subscription;
  private prefix = '';
  private nc?: NatsConnection;
  private seq = 0;
  private sweeper?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly nats: NatsService,
    private readonly names: LynxNames,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Resolves on the stream's ack. While NATS reconnects the message waits in the client's buffer
   * until its timeout (a short blip loses nothing); before the first connect it fails at once.
   */
  publish(subject: string, payload: unknown, msgId: string): Promise<void> {
    const nc = this.nc ?? this.attach();
    if (!nc) return Promise.reject(new Error('NATS is not connected yet'));
    const token = (++this.seq).toString(36);
    const h = headers();
    h.set('Content-Type', 'application/json');
    h.set('Nats-Msg-Id', msgId);
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(token, { resolve, reject, deadline: Date.now() + this.timeoutMs });
      try {
        // Buffer.from over a pooled slab: cheaper per event than the codec's TextEncoder.
        nc.publish(this.names.subject(subject), Buffer.from(JSON.stringify(payload)), { reply: this.prefix + token, headers: h });
      } catch (err) {
        this.waiting.delete(token);
        reject(err as Error);
      }
    });
  }

  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    this.sub?.unsubscribe();
    this.failAll('publisher closed');
  }

  /** Binds to the connection once NATS is up; until then publishes fail fast. */
  private attach(): NatsConnection | undefined {
    let nc: NatsConnection;
    try {
      nc = this.nats.connection;
    } catch {
      return undefined;
    }
    if (this.closed) return undefined;
    this.nc = nc;
    const inbox = createInbox();
    this.prefix = `${inbox}.`;
    this.sub = nc.subscribe(`${inbox}.*`, {
      callback: (err, msg) => {
        if (err) return;
        const w = this.waiting.get(msg.subject.slice(this.prefix.length));
        if (!w) return; // already timed out
        this.waiting.delete(msg.subject.slice(this.prefix.length));
        const ack = safeDecode(msg.data) as { error?: { description?: string } } | undefined;
        if (!ack || ack.error) w.reject(new Error(`JetStream did not store the event: ${ack?.error?.description ?? 'no ack'}`));
        else w.resolve();
      },
    });
    this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.floor(this.timeoutMs / 4)));
    this.sweeper.unref();
    return nc;
  }

  /** Insertion order = deadline order (one timeout for all), so the sweep stops at the first live one. */
  private sweep(): void {
    const now = Date.now();
    for (const [token, w] of this.waiting) {
      if (w.deadline > now) break;
      this.waiting.delete(token);
      w.reject(new Error(`no JetStream ack within ${this.timeoutMs} ms`));
    }
  }

  private failAll(reason: string): void {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of all) w.reject(new Error(reason));
  }
}

function safeDecode(data: Uint8Array): unknown {
  try {
    return codec.decode(data);
  } catch {
    return undefined;
  }
}
