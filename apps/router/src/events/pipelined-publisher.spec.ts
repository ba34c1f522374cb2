import { connect, type NatsConnection } from 'nats';
import type { NatsService } from '@lynx/platform';
import { TEST_NATS_URL, testNatsStreams } from '@lynx/platform/testing';
import { SUBJECTS } from '@lynx/schema';
import { readEvents } from '../testing/jetstream';
import { PipelinedPublisher } from './pipelined-publisher';

describe('PipelinedPublisher (real JetStream)', () => {
  let nc: NatsConnection;
  let ns: ReturnType<typeof testNatsStreams>;

  beforeEach(async () => {
    ns = testNatsStreams('pub');
    nc = await connect({ servers: TEST_NATS_URL });
    const jsm = await nc.jetstreamManager();
    for (const s of ns.streams) await jsm.streams.add({ name: s.name, subjects: s.subjects });
  });

  afterEach(async () => {
    await nc.close();
    await ns.cleanup();
  });

  // NatsService is the app's holder of the connection; the connection itself is real.
  // The first tests wait for real acks of 600 messages on a loaded CI machine: a long timeout.
  const publisher = (timeoutMs = 20_000) => new PipelinedPublisher({ connection: nc } as unknown as NatsService, ns.names, timeoutMs);

  it('resolves every publish on its own ack, with more messages in flight than its first slots', async () => {
    const p = publisher();
    const ids = Array.from({ length: 600 }, (_, i) => `ev-${i}`);
    await Promise.all(ids.map((id, i) => p.publish(SUBJECTS.inferenceCompleted, { i }, id)));
    p.close();
    const stored = await readEvents({ names: ns.names } as never, SUBJECTS.inferenceCompleted);
    expect(stored.map((e) => e.msgId).sort()).toEqual([...ids].sort());
    expect(stored.map((e) => e.data.i).sort((a, b) => a - b)).toEqual(ids.map((_, i) => i));
  });

  it('rejects when no stream takes the subject, and keeps publishing afterwards', async () => {
    const p = publisher();
    await expect(p.publish('lynx.not.a.stream', { x: 1 }, 'lost')).rejects.toThrow(/JetStream did not store the event/);
    await expect(p.publish(SUBJECTS.inferenceCompleted, { x: 2 }, 'kept')).resolves.toBeUndefined();
    p.close();
  });

  it('rejects on its timeout when nothing acks, and ignores the late ack of a reused slot', async () => {
    // A plain subscriber that never answers: the server then reports no "no responders" either.
    const silent = nc.subscribe(ns.names.subject('lynx.silent'));
    const late = nc.subscribe(ns.names.subject('lynx.late'));
    const p = publisher(200);
    await expect(p.publish('lynx.silent', { x: 1 }, 'timed-out')).rejects.toThrow(/no JetStream ack within 200 ms/);
    // A message times out; the next one takes its slot and gets no ack of its own; the first one's
    // ack arrives late and must not settle the second.
    const replies = (async () => {
      const out: string[] = [];
      for await (const m of late) if (out.push(m.reply!) === 2) break;
      return out;
    })();
    await expect(p.publish('lynx.late', { x: 2 }, 'first')).rejects.toThrow(/no JetStream ack/);
    const second = p.publish('lynx.late', { x: 3 }, 'second');
    const [first, secondReply] = await replies;
    expect(first.split('_')[0]).toBe(secondReply.split('_')[0]); // the same slot
    nc.publish(first, new TextEncoder().encode(JSON.stringify({ error: { description: 'stale ack' } })));
    await expect(second).rejects.toThrow(/no JetStream ack within 200 ms/);
    silent.unsubscribe();
    p.close();
  });

  it('fails what is still waiting when closed', async () => {
    const p = publisher(10_000);
    const pending = p.publish('lynx.not.a.stream', { x: 1 }, 'never');
    p.close();
    await expect(pending).rejects.toThrow(/publisher closed/);
  });
});
