import type { NatsConnection, Subscription } from 'nats';
import { JSONCodec } from 'nats';
import { STREAMS, registryEventSchema } from '@lynx/schema';
import type { LynxLogger, LynxNames, NatsService } from '@lynx/platform';

const codec = JSONCodec();

/**
 * Follows the registry's events (lynx.registry.>, published to LYNX_REGISTRY) with a core NATS
 * subscription: a plan or alias change reaches the router within milliseconds. Nothing is replayed
 * — the router re-reads the registry at start and after every reconnect, which covers what an
 * outage missed without a durable consumer per router replica.
 */
export class PlanWatcher {
  private sub?: Subscription;
  private stopped = false;

  constructor(
    private readonly nats: NatsService,
    private readonly names: LynxNames,
    private readonly logger: LynxLogger,
    private readonly onModel: (model: string, type: string) => void,
    private readonly onReconnect: () => void,
  ) {}

  /** Subscribes as soon as NATS is connected (retrying in the background until it is). */
  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    let nc: NatsConnection | undefined;
    while (!this.stopped && !nc) {
      nc = await this.nats.ready(5000).catch(() => undefined);
    }
    if (!nc || this.stopped) return;
    const subject = this.names.subject(STREAMS.registry.subjects[0]);
    this.sub = nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return;
        const parsed = registryEventSchema.safeParse(safeDecode(msg.data));
        if (parsed.success) this.onModel(parsed.data.model, parsed.data.type);
      },
    });
    void this.watchStatus(nc);
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (this.stopped) break;
      if (s.type === 'reconnect') {
        this.logger.log({ msg: 'nats reconnected: re-reading traffic plans' }, 'PlanWatcher');
        this.onReconnect();
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.sub?.unsubscribe();
  }
}

function safeDecode(data: Uint8Array): unknown {
  try {
    return codec.decode(data);
  } catch {
    return undefined;
  }
}
