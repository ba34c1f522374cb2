import { JSONCodec, createInbox, headers, type NatsConnection, type Subscription } from 'nats';
import { SlotList, type LynxNames, type NatsService } from '@lynx/platform';

const codec = JSONCodec();

interface Waiting {
  slot: number;
  seq: number;
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
  // Not a Map (see SlotList): a waiting message holds its event until the ack.
  private readonly waiting = new SlotList<Waiting>(256);
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
    const seq = ++this.seq;
    const h = headers();
    h.set('Content-Type', 'application/json');
    h.set('Nats-Msg-Id', msgId);
    return new Promise<void>((resolve, reject) => {
      const w: Waiting = { slot: -1, seq, resolve, reject, deadline: Date.now() + this.timeoutMs };
      w.slot = this.waiting.add(w);
      try {
        // The reply subject names the slot and the sequence, so a late ack never settles a reused slot.
        // Buffer.from over a pooled slab: cheaper per event than the codec's TextEncoder.
        nc.publish(this.names.subject(subject), Buffer.from(JSON.stringify(payload)), { reply: `${this.prefix}${w.slot}_${seq}`, headers: h });
      } catch (err) {
        this.waiting.remove(w.slot);
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
        const w = this.waiting.get(Number.parseInt(msg.subject.slice(this.prefix.length), 10));
        const seq = Number(msg.subject.slice(msg.subject.lastIndexOf('_') + 1));
        if (!w || w.seq !== seq) return; // timed out (and its slot perhaps reused)
        this.waiting.remove(w.slot);
        const ack: PubAck | undefined = isStored(msg.data) ? STORED : (safeDecode(msg.data) as PubAck | undefined);
        if (!ack || ack.error) w.reject(new Error(`JetStream did not store the event: ${ack?.error?.description ?? 'no ack'}`));
        else w.resolve();
      },
    });
    this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.floor(this.timeoutMs / 4)));
    this.sweeper.unref();
    return nc;
  }

  private sweep(): void {
    const now = Date.now();
    const late = [...this.waiting.values()].filter((w) => w.deadline <= now);
    for (const w of late) {
      this.waiting.remove(w.slot);
      w.reject(new Error(`no JetStream ack within ${this.timeoutMs} ms`));
    }
  }

  private failAll(reason: string): void {
    const all = [...this.waiting.values()];
    for (const w of all) this.waiting.remove(w.slot);
    for (const w of all) w.reject(new Error(reason));
  }
}

type PubAck = { error?: { description?: string } };
const STORED: PubAck = {};
const STORED_PREFIX = Buffer.from('{"stream":');

/** A PubAck (`{"stream":…,"seq":…}`; an error answer starts with `{"error"`), told without decoding it. */
function isStored(data: Uint8Array): boolean {
  if (data.length < STORED_PREFIX.length) return false;
  for (let i = 0; i < STORED_PREFIX.length; i++) if (data[i] !== STORED_PREFIX[i]) return false;
  return true;
}

function safeDecode(data: Uint8Array): unknown {
  try {
    return codec.decode(data);
  } catch {
    return undefined;
  }
}
