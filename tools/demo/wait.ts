import { connect, type NatsConnection } from 'nats';

/**
 * Re-checks `probe` with a short backoff until it returns a value, for conditions no service
 * announces (a consumer caught up, a rollup posted). Throws naming `what` after `timeoutMs`.
 */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 250)) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** The canonical name mapped into a namespace, as libs/platform's LynxNames does it. */
export function nsSubject(namespace: string, subject: string): string {
  return namespace === 'lynx' ? subject : `${namespace}.${subject.slice('lynx.'.length)}`;
}

export function nsStream(namespace: string, stream: string): string {
  return namespace === 'lynx' ? stream : `${namespace.toUpperCase().replace(/-/g, '_')}${stream.slice('LYNX'.length)}`;
}

/** The demo's own NATS connection: counts what the router published, awaits registry events. */
export class DemoNats {
  private constructor(readonly nc: NatsConnection, private readonly namespace: string) {}

  static async open(servers: string, namespace: string): Promise<DemoNats> {
    return new DemoNats(await connect({ servers, name: 'lynx-demo' }), namespace);
  }

  /** Messages stored on `subject` (canonical lynx.… name) in the namespace's inference stream. */
  async stored(subject: string): Promise<number> {
    const jsm = await this.nc.jetstreamManager();
    const info = await jsm.streams.info(nsStream(this.namespace, 'LYNX_INFERENCE'), { subjects_filter: nsSubject(this.namespace, subject) }).catch(() => undefined);
    const subjects = info?.state.subjects as Record<string, number> | undefined;
    return subjects?.[nsSubject(this.namespace, subject)] ?? 0;
  }

  /** True once the durable consumer has nothing pending or unacknowledged. */
  async caughtUp(stream: string, durable: string): Promise<boolean> {
    const jsm = await this.nc.jetstreamManager();
    const info = await jsm.consumers.info(nsStream(this.namespace, stream), durable).catch(() => undefined);
    return !!info && info.num_pending === 0 && info.num_ack_pending === 0;
  }

  /** Resolves with the first message on `subject` (core subscription) that `match` accepts; undefined on timeout or cancel. */
  next<T>(subject: string, timeoutMs: number, match: (body: T) => boolean = () => true): { promise: Promise<T | undefined>; cancel: () => void } {
    const sub = this.nc.subscribe(nsSubject(this.namespace, subject), { timeout: timeoutMs });
    const promise = (async () => {
      try {
        for await (const m of sub) {
          const body = m.json<T>();
          if (match(body)) return body;
        }
      } catch {
        // the subscription timed out: nothing came
      } finally {
        sub.unsubscribe();
      }
      return undefined;
    })();
    return { promise, cancel: () => sub.unsubscribe() };
  }

  async close(): Promise<void> {
    await this.nc.drain().catch(() => undefined);
  }
}
