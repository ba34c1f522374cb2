import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JSONCodec, connect, type NatsConnection } from 'nats';
import { LynxError, NotFoundError, PATTERNS, SUBJECTS } from '@lynx/schema';
import { startTestApp } from '../fixtures/test-app';
import { testNamespace, type TestNamespace } from '../testing';
import { EventPublisher } from './event-publisher.service';
import { LynxNames } from './names';
import { NatsService } from './nats.service';
import { NatsRpc } from './nats-rpc.service';

describe('NATS provider and EventPublisher', () => {
  let ns: TestNamespace;
  let app: NestFastifyApplication;
  let nc: NatsConnection;

  beforeAll(async () => {
    ns = testNamespace('nats');
    app = await startTestApp({ env: ns.env, nats: true, streams: ['inference', 'registry'] });
    nc = await connect({ servers: ns.env.LYNX_NATS_URL });
  });
  afterAll(async () => {
    await nc?.close();
    await app?.close();
    await ns.cleanup();
  });

  it('creates the configured streams in the namespace when missing', async () => {
    await app.get(NatsService).ready();
    const jsm = await nc.jetstreamManager();
    const inference = ns.names.stream('inference');
    const info = await jsm.streams.info(inference.name);
    expect(info.config.subjects).toEqual([`${ns.namespace}.inference.>`]);
    await expect(jsm.streams.info(ns.names.stream('drift').name)).rejects.toThrow(/not found/i);
  });

  it('publishes to the namespaced subject and stores one message per msgId', async () => {
    const publisher = app.get(EventPublisher);
    const event = { event_id: 'e-1', output: 'he went' };
    const first = await publisher.publish(SUBJECTS.inferenceCompleted, event, 'e-1');
    const second = await publisher.publish(SUBJECTS.inferenceCompleted, event, 'e-1');
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);

    const jsm = await nc.jetstreamManager();
    const stream = ns.names.stream('inference').name;
    expect((await jsm.streams.info(stream)).state.messages).toBe(1);
    const stored = await jsm.streams.getMessage(stream, { seq: first.seq });
    expect(stored.subject).toBe(`${ns.namespace}.inference.completed`);
    expect(stored.header.get('Nats-Msg-Id')).toBe('e-1');
    expect(JSONCodec().decode(stored.data)).toEqual(event);
  });

  it('keeps different msgIds apart', async () => {
    const publisher = app.get(EventPublisher);
    const a = await publisher.publish(SUBJECTS.registryPromoted, { n: 1 }, 'p-1');
    const b = await publisher.publish(SUBJECTS.registryPromoted, { n: 2 }, 'p-2');
    expect(b.seq).toBe(a.seq + 1);
    expect(b.duplicate).toBe(false);
  });
});

describe('durable consumers', () => {
  it('delivers each event once across a consumer restart when acked', async () => {
    const ns = testNamespace('consumer');
    const app = await startTestApp({ env: ns.env, nats: true, streams: ['inference'] });
    try {
      const nats = app.get(NatsService);
      const publisher = app.get(EventPublisher);
      const stream = ns.names.stream('inference').name;
      const filterSubject = ns.names.subject(SUBJECTS.inferenceCompleted);
      for (const id of ['a', 'b', 'c']) await publisher.publish(SUBJECTS.inferenceCompleted, { id }, id);
      await publisher.publish(SUBJECTS.inferenceShadow, { id: 'shadow' }, 'shadow');

      const first = await nats.durableConsumer(stream, 'worker', { filterSubject });
      const batch1 = await first.fetch({ max_messages: 2, expires: 1000 });
      const seen: string[] = [];
      for await (const m of batch1) {
        seen.push((m.json() as { id: string }).id);
        m.ack();
        if (seen.length === 2) break;
      }
      // Acks are async: make sure the server has them before "restarting".
      await nats.connection.flush();

      const again = await nats.durableConsumer(stream, 'worker', { filterSubject });
      const next = await again.next({ expires: 1000 });
      expect(next && (next.json() as { id: string }).id).toBe('c');
      next?.ack();
      expect(seen).toEqual(['a', 'b']);
    } finally {
      await app.close();
      await ns.cleanup();
    }
  });
});

describe('NatsRpc', () => {
  it('answers requests and carries errors with their code and status', async () => {
    const ns = testNamespace('rpc');
    const app = await startTestApp({ env: ns.env, nats: true });
    try {
      const rpc = app.get(NatsRpc);
      await rpc.handle<{ model: string }>(PATTERNS.registryTrafficPlan, ({ model }) => {
        if (model !== 'grammar-tutor') throw new NotFoundError(`no model ${model}`, { model });
        return { strategy: 'single' };
      });
      expect(await rpc.request(PATTERNS.registryTrafficPlan, { model: 'grammar-tutor' })).toEqual({ strategy: 'single' });
      const failure = rpc.request(PATTERNS.registryTrafficPlan, { model: 'x' });
      await expect(failure).rejects.toBeInstanceOf(LynxError);
      await expect(failure).rejects.toMatchObject({ code: 'not_found', status: 404, details: { model: 'x' } });
      await expect(rpc.request(PATTERNS.registryResolve, {}, { timeoutMs: 500 })).rejects.toMatchObject({ status: 503 });
    } finally {
      await app.close();
      await ns.cleanup();
    }
  });
});

describe('LynxNames', () => {
  it('keeps canonical names in the lynx namespace', () => {
    const names = new LynxNames();
    expect(names.subject(SUBJECTS.inferenceCompleted)).toBe('lynx.inference.completed');
    expect(names.stream('inference')).toEqual({ name: 'LYNX_INFERENCE', subjects: ['lynx.inference.>'] });
    expect(names.bullPrefix).toBe('bull');
  });

  it('maps subjects, streams, keys and queue prefixes into another namespace', () => {
    const names = new LynxNames('t-ab1');
    expect(names.subject('lynx.inference.>')).toBe('t-ab1.inference.>');
    expect(names.subject('other.subject')).toBe('other.subject');
    expect(names.stream('drift')).toEqual({ name: 'T_AB1_DRIFT', subjects: ['t-ab1.drift.>'] });
    expect(names.redisKey('drift', 'w1')).toBe('t-ab1:drift:w1');
    expect(names.bullPrefix).toBe('t-ab1:bull');
  });
});
