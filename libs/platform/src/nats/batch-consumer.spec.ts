import { JSONCodec, connect, type NatsConnection } from 'nats';
import { SUBJECTS } from '@lynx/schema';
import { testNamespace, type TestNamespace } from '../testing';
import { BatchConsumer, type BatchConsumerOptions, type BatchResult, type DeadLetter } from './batch-consumer';

const codec = JSONCodec<{ id: string }>();

interface Seen extends BatchResult {
  ids: string[];
}

/** Reads `{id}` JSON; anything else is a schema failure. */
const parse = async (data: Uint8Array[]): Promise<Seen> => {
  const ids: string[] = [];
  const invalid: Array<{ index: number; reason: string }> = [];
  data.forEach((d, index) => {
    try {
      ids.push(codec.decode(d).id);
    } catch {
      invalid.push({ index, reason: 'not JSON' });
    }
  });
  return { ids, invalid };
};

describe('BatchConsumer (real NATS)', () => {
  let ns: TestNamespace;
  let nc: NatsConnection;
  let subject: string;
  let stream: string;
  const running: Array<BatchConsumer<Seen>> = [];

  beforeAll(async () => {
    ns = testNamespace('batch');
    await ns.createStreams();
    nc = await connect({ servers: ns.env.LYNX_NATS_URL });
    subject = ns.names.subject(SUBJECTS.inferenceCompleted);
    stream = ns.names.stream('inference').name;
  });
  afterAll(async () => {
    await Promise.all(running.map((c) => c.stop()));
    await nc?.close();
    await ns.cleanup();
  });

  async function publish(payloads: Array<{ id: string } | string>): Promise<void> {
    const js = nc.jetstream();
    for (const p of payloads) await js.publish(subject, typeof p === 'string' ? new TextEncoder().encode(p) : codec.encode(p));
  }

  /** Starts a consumer and returns it with a promise of the ids handled once `count` are in. */
  async function consume(durable: string, opts: Partial<BatchConsumerOptions<Seen>> = {}) {
    const consumer = new BatchConsumer<Seen>(nc, { stream, durable, subject, handle: parse, retryDelayMs: 50, batchSize: 8, ...opts });
    running.push(consumer);
    const ids: string[] = [];
    consumer.on('batch', (r: Seen) => ids.push(...r.ids));
    const handled = (count: number) =>
      new Promise<string[]>((done) => {
        const check = () => ids.length >= count && (consumer.off('batch', check), done(ids));
        consumer.on('batch', check);
        check();
      });
    await consumer.start();
    return { consumer, handled };
  }

  async function pending(durable: string) {
    const info = await (await nc.jetstreamManager()).consumers.info(stream, durable);
    return { unacked: info.num_ack_pending, undelivered: info.num_pending };
  }

  it('hands messages over in batches, dead-letters schema failures with the reason, acks all, and resumes after a restart', async () => {
    const dead: DeadLetter[] = [];
    const a = await consume('d-main', { deadLetter: async (p) => dead.push(p) });
    const batches: number[] = [];
    a.consumer.on('batch', (r: Seen) => batches.push(r.ids.length + r.invalid.length));
    await publish([...Array.from({ length: 20 }, (_, i) => ({ id: `e${i}` })), 'not json', { id: 'e20' }]);
    expect((await a.handled(21)).sort()).toEqual(Array.from({ length: 21 }, (_, i) => `e${i}`).sort());
    expect(Math.max(...batches)).toBeLessThanOrEqual(8);
    expect(dead).toEqual([{ reason: 'not JSON', subject, stream, stream_seq: 21, data: 'not json' }]);
    await a.consumer.stop();
    expect(await pending('d-main')).toEqual({ unacked: 0, undelivered: 0 });

    await publish([{ id: 'later' }]);
    const b = await consume('d-main');
    expect(await b.handled(1)).toEqual(['later']);
  });

  it('naks a batch whose handler throws and handles it again when it comes back', async () => {
    let calls = 0;
    const errors: string[] = [];
    const c = await consume('d-retry', {
      handle: async (data) => {
        if (++calls === 1) throw new Error('store down');
        return parse(data);
      },
      onError: (e) => errors.push(e.message),
    });
    // The durable starts at the stream's beginning: 22 + 1 messages from the first test.
    expect((await c.handled(22)).length).toBe(22);
    expect(errors).toEqual(['store down']);
    await c.consumer.stop();
    expect(await pending('d-retry')).toEqual({ unacked: 0, undelivered: 0 });
  });

  it('dead-letters again when the dead-letter publish failed, instead of losing the message', async () => {
    const attempts: number[] = [];
    const c = await consume('d-dead', {
      deadLetter: async (p) => {
        attempts.push(p.stream_seq);
        if (attempts.length === 1) throw new Error('nats away');
      },
    });
    await c.handled(22);
    while (attempts.length < 2) await new Promise((r) => c.consumer.once('batch', r));
    expect(attempts).toEqual([21, 21]);
    await c.consumer.stop();
    expect(await pending('d-dead')).toEqual({ unacked: 0, undelivered: 0 });
  });

  it('leaves a batch unacked when beforeAck throws (a crash between handling and acking)', async () => {
    let crashed = false;
    const c = await consume('d-crash', {
      ackWaitMs: 1000,
      beforeAck: () => {
        if (!crashed) {
          crashed = true;
          throw new Error('crash');
        }
      },
    });
    // The crashed batch is neither acked nor emitted; JetStream redelivers it after ack_wait.
    const ids = await c.handled(22);
    expect(crashed).toBe(true);
    expect(ids.sort()).toEqual([...new Set(ids)].sort());
    await c.consumer.stop();
    expect(await pending('d-crash')).toEqual({ unacked: 0, undelivered: 0 });
  });
});
