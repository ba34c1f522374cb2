import type { OnApplicationShutdown } from '@nestjs/common';
import { JSONCodec, type Subscription } from 'nats';
import { ERROR_CODES, LynxError, type ErrorCode } from '@lynx/schema';
import { toErrorResponse } from '../errors/lynx-exception.filter';
import type { LynxNames } from './names';
import type { NatsService } from './nats.service';

const codec = JSONCodec<RpcReply | unknown>();

type RpcReply = { ok: true; data: unknown } | { ok: false; status: number; error: { code: string; message: string; details?: unknown } };

/**
 * NATS core request/reply between services, namespace-aware (PATTERNS are mapped like subjects).
 * Replies carry `{ok, data}` or `{ok: false, status, error}`; request() rethrows the latter as a
 * LynxError with the same code and status, so a 404 in the registry is a 404 in the router.
 */
export class NatsRpc implements OnApplicationShutdown {
  private readonly subs: Subscription[] = [];

  constructor(
    private readonly nats: NatsService,
    private readonly names: LynxNames,
    private readonly queue: string,
  ) {}

  /** Serves `pattern` in a queue group (one replica answers each request). */
  async handle<T = unknown>(pattern: string, handler: (data: T) => Promise<unknown> | unknown): Promise<void> {
    const nc = await this.nats.ready();
    const sub = nc.subscribe(this.names.subject(pattern), { queue: this.queue });
    this.subs.push(sub);
    void (async () => {
      for await (const msg of sub) {
        let reply: RpcReply;
        try {
          reply = { ok: true, data: await handler(codec.decode(msg.data) as T) };
        } catch (err) {
          const { status, body } = toErrorResponse(err);
          reply = { ok: false, status, error: body.error };
        }
        msg.respond(codec.encode(reply));
      }
    })();
  }

  async request<R = unknown>(pattern: string, data: unknown, opts: { timeoutMs?: number } = {}): Promise<R> {
    const nc = await this.nats.ready(opts.timeoutMs ?? 5000);
    let raw;
    try {
      raw = await nc.request(this.names.subject(pattern), codec.encode(data), { timeout: opts.timeoutMs ?? 5000 });
    } catch (err) {
      const msg = (err as Error).message;
      if (/503|no responders/i.test(msg)) throw new LynxError(ERROR_CODES.upstreamUnavailable, `no service answers ${pattern}`, 503);
      throw new LynxError(ERROR_CODES.upstreamTimeout, `no answer to ${pattern} within ${opts.timeoutMs ?? 5000} ms`, 504);
    }
    const reply = codec.decode(raw.data) as RpcReply;
    if (reply.ok) return reply.data as R;
    throw new LynxError(reply.error.code as ErrorCode, reply.error.message, reply.status, reply.error.details);
  }

  onApplicationShutdown(): void {
    for (const s of this.subs) s.unsubscribe();
  }
}
