import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { JSONCodec, type ConsumerMessages, type Subscription } from 'nats';
import { LynxLogger, LynxNames, NatsService } from '@lynx/platform';
import { SUBJECTS, inferenceEventSchema, shadowPairEventSchema } from '@lynx/schema';
import { LiveStats } from './live-stats';

const codec = JSONCodec();
const decode = (data: Uint8Array): unknown => {
  try {
    return codec.decode(data);
  } catch {
    return undefined;
  }
};

/**
 * Feeds LiveStats from NATS: ordered (ephemeral, ack-free) consumers replay the last hour of
 * inference events and the last week of cost rollups, then keep following; a core subscription
 * to the registry's events tells the pages when a plan or an alias moved. Nothing durable is
 * created, so any number of consoles can run.
 */
@Injectable()
export class LiveFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumers: ConsumerMessages[] = [];
  private subscription?: Subscription;
  private stopped = false;

  constructor(
    @Inject(NatsService) private readonly nats: NatsService,
    @Inject(LynxNames) private readonly names: LynxNames,
    @Inject(LiveStats) private readonly stats: LiveStats,
    @Inject(LynxLogger) private readonly logger: LynxLogger,
  ) {}

  onApplicationBootstrap(): void {
    void this.start().catch((err: Error) => this.logger.warn({ msg: 'live updates unavailable', err: err.message }, 'Console'));
  }

  private async start(): Promise<void> {
    const nc = await this.nats.ready(60_000);
    if (this.stopped) return;
    this.subscription = nc.subscribe(this.names.subject('lynx.registry.>'), {
      callback: (_err, m) => {
        const model = (decode(m.data) as { model?: unknown } | undefined)?.model;
        if (typeof model === 'string') this.stats.registryChanged(model);
      },
    });
    // One filter per consumer: NATS servers before 2.10 take no list of filter subjects.
    const completed = this.names.subject(SUBJECTS.inferenceCompleted);
    const shadow = this.names.subject(SUBJECTS.inferenceShadow);
    await this.follow(this.names.stream('inference').name, 'lynx.inference.>', 3600_000, (subject, body) => {
      if (subject === shadow) {
        const p = shadowPairEventSchema.safeParse(body);
        if (p.success) this.stats.shadow(p.data);
      } else if (subject === completed) {
        const e = inferenceEventSchema.safeParse(body);
        if (e.success) this.stats.inference(e.data);
      }
    });
    await this.follow(this.names.stream('cost').name, SUBJECTS.costRollup, 7 * 24 * 3600_000, (_subject, body) => {
      const r = body as { model?: unknown; digest?: unknown; window_end?: unknown; cost_usd?: unknown; prompt_tokens?: unknown; completion_tokens?: unknown; requests?: unknown };
      if (typeof r?.model !== 'string' || typeof r.digest !== 'string' || typeof r.window_end !== 'string') return;
      this.stats.cost(r.model, {
        digest: r.digest,
        window_end: r.window_end,
        cost_usd: Number(r.cost_usd) || 0,
        tokens: (Number(r.prompt_tokens) || 0) + (Number(r.completion_tokens) || 0),
        requests: Number(r.requests) || 0,
      });
    });
  }

  private async follow(stream: string, subject: string, backMs: number, onMessage: (subject: string, body: unknown) => void): Promise<void> {
    const js = this.nats.jetstream();
    const consumer = await js.consumers.get(stream, {
      filterSubjects: this.names.subject(subject),
      opt_start_time: new Date(Date.now() - backMs).toISOString(),
    });
    const messages = await consumer.consume();
    this.consumers.push(messages);
    void (async () => {
      for await (const m of messages) onMessage(m.subject, decode(m.data));
    })().catch((err: Error) => this.logger.warn({ msg: `live feed of ${stream} stopped`, err: err.message }, 'Console'));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.subscription?.unsubscribe();
    await Promise.all(this.consumers.map((c) => c.close().catch(() => undefined)));
  }
}
