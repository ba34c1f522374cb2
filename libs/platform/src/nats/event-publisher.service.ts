import { JSONCodec, headers, type PubAck } from 'nats';
import type { NatsService } from './nats.service';
import type { LynxNames } from './names';

const codec = JSONCodec();

/**
 * Publishes events to JetStream. Subjects are the canonical ones from libs/schema
 * (`lynx.…`); they are mapped into the app's namespace here. msgId (the event id) makes a
 * repeated publish within the stream's duplicate window a no-op: `duplicate` is then true.
 */
export class EventPublisher {
  constructor(
    private readonly nats: NatsService,
    private readonly names: LynxNames,
  ) {}

  async publish(subject: string, payload: unknown, msgId: string, opts: { timeoutMs?: number } = {}): Promise<PubAck> {
    const nc = await this.nats.ready(opts.timeoutMs ?? 5000);
    const h = headers();
    h.set('Content-Type', 'application/json');
    return nc.jetstream().publish(this.names.subject(subject), codec.encode(payload), {
      msgID: msgId,
      headers: h,
      timeout: opts.timeoutMs ?? 5000,
    });
  }
}
