import type { OnApplicationShutdown } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  connect,
  nanos,
  type Consumer,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
  type StreamConfig,
} from 'nats';
import { ERROR_CODES, LynxError } from '@lynx/schema';
import type { LynxLogger } from '../logger/lynx-logger';
import type { StreamSpec } from './names';

export interface NatsServiceOptions {
  url: string;
  name: string;
  /** Streams created when missing (existing ones are left as they are). */
  streams: StreamSpec[];
}

/**
 * One NATS connection per app. It connects in the background and keeps retrying, so an app
 * starts while NATS is down and reports not-ready instead of crashing; `ready()` awaits it.
 */
export class NatsService implements OnApplicationShutdown {
  private nc?: NatsConnection;
  private closed = false;
  private retryTimer?: NodeJS.Timeout;
  private readonly connecting: Promise<NatsConnection>;

  constructor(
    private readonly options: NatsServiceOptions,
    private readonly logger: LynxLogger,
  ) {
    this.connecting = this.start();
    // Startup failure is surfaced through ready()/readiness, not as an unhandled rejection.
    this.connecting.catch(() => undefined);
  }

  private async start(): Promise<NatsConnection> {
    const nc = await this.connectWithRetry();
    if (this.closed) {
      await nc.close();
      throw new LynxError(ERROR_CODES.notReady, 'NATS connection closed during shutdown', 503);
    }
    await ensureStreams(await nc.jetstreamManager(), this.options.streams);
    this.nc = nc;
    this.logger.log({ msg: 'nats connected', server: nc.getServer(), streams: this.options.streams.map((s) => s.name) }, 'Nats');
    void this.watch(nc);
    return nc;
  }

  // nats.js cannot cancel a pending first connect (waitOnFirstConnect), so retry here,
  // where shutdown can stop it; after the first connect the client reconnects by itself.
  private async connectWithRetry(): Promise<NatsConnection> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await connect({
          servers: this.options.url,
          name: this.options.name,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 500,
        });
      } catch (err) {
        if (this.closed) throw err;
        if (attempt === 0) this.logger.warn({ msg: 'nats unreachable, retrying', url: this.options.url, err: (err as Error).message }, 'Nats');
        await new Promise<void>((resolve) => {
          this.retryTimer = setTimeout(resolve, Math.min(250 * 2 ** attempt, 2000));
        });
        if (this.closed) throw new LynxError(ERROR_CODES.notReady, 'NATS connection abandoned at shutdown', 503);
      }
    }
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error') {
        this.logger.warn({ msg: `nats ${s.type}`, data: String(s.data) }, 'Nats');
      }
    }
  }

  /** Resolves once connected and the streams exist; rejects after timeoutMs. */
  async ready(timeoutMs = 5000): Promise<NatsConnection> {
    if (this.nc) return this.nc;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new LynxError(ERROR_CODES.notReady, `NATS not reachable at ${this.options.url}`, 503)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.connecting, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The live connection; throws not_ready (503) before the first connect. */
  get connection(): NatsConnection {
    if (!this.nc) throw new LynxError(ERROR_CODES.notReady, `NATS not reachable at ${this.options.url}`, 503);
    return this.nc;
  }

  jetstream(): JetStreamClient {
    return this.connection.jetstream();
  }

  jetstreamManager(): Promise<JetStreamManager> {
    return this.connection.jetstreamManager();
  }

  /**
   * A durable pull consumer with explicit acks, created when missing (the same config again is
   * a no-op), so a restarted worker continues where it acked. Use `consume()` or `fetch()` on it.
   * `filterSubject` is canonical (`lynx.…`) or already namespaced; map it with LynxNames first.
   */
  async durableConsumer(
    stream: string,
    durable: string,
    opts: { filterSubject?: string; ackWaitMs?: number; maxDeliver?: number } = {},
  ): Promise<Consumer> {
    const nc = await this.ready();
    const jsm = await nc.jetstreamManager();
    await jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(opts.ackWaitMs ?? 30_000),
      max_deliver: opts.maxDeliver ?? -1,
      ...(opts.filterSubject ? { filter_subject: opts.filterSubject } : {}),
    });
    return nc.jetstream().consumers.get(stream, durable);
  }

  get streams(): readonly StreamSpec[] {
    return this.options.streams;
  }

  /** Readiness probe: connected and the server answers a round trip within timeoutMs. */
  async check(timeoutMs = 1000): Promise<void> {
    const nc = await this.ready(timeoutMs);
    if (nc.isClosed()) throw new Error('NATS connection is closed');
    await withTimeout(nc.rtt(), timeoutMs, 'NATS round trip timed out');
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const nc = this.nc;
    this.nc = undefined;
    if (nc && !nc.isClosed()) {
      // drain() waits for the server's PONG, which never comes while NATS is down, and the client
      // keeps its reconnect timer meanwhile: bound it, then close so no timer outlives the app.
      await withTimeout(nc.drain(), 2000, 'NATS drain timed out').catch(() => undefined);
      if (!nc.isClosed()) await nc.close().catch(() => undefined);
    }
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Creates each stream that does not exist yet; an existing stream is not reconfigured. */
export async function ensureStreams(jsm: JetStreamManager, specs: readonly StreamSpec[]): Promise<void> {
  for (const spec of specs) {
    try {
      await jsm.streams.info(spec.name);
      continue;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const config: Partial<StreamConfig> = {
      name: spec.name,
      subjects: spec.subjects,
      duplicate_window: nanos(spec.duplicateWindowMs ?? 120_000),
    };
    if (spec.maxAgeMs) config.max_age = nanos(spec.maxAgeMs);
    try {
      await jsm.streams.add(config);
    } catch (err) {
      // Another replica created it between info() and add(): fine.
      if (!/already in use|exists/i.test(String((err as Error).message))) throw err;
    }
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { code?: string; api_error?: { err_code?: number } };
  return e.code === '404' || e.api_error?.err_code === 10059 || /not found/i.test(String((err as Error).message));
}
