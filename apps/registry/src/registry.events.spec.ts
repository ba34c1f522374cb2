import { spawn, type ChildProcess } from 'node:child_process';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import { NatsRpc, ensureStreams } from '@lynx/platform';
import { freePort, makeTempDir, uniqueName } from '@lynx/platform/testing';
import { PATTERNS } from '@lynx/schema';
import { sha, startRegistry, type RegistryFixture } from './registry.fixture';
import { RegistryRpc } from './rpc/registry-rpc.service';
import { REGISTRY_STORE } from './store/store.module';
import type { RegistryStore } from './store/registry-store';

const codec = JSONCodec<any>();

/** A nats-server with JetStream of its own on `port`; resolves once it accepts clients. */
function startNatsServer(port: number, storeDir: string): Promise<ChildProcess> {
  const child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((ok, fail) => {
    let log = '';
    child.stderr!.on('data', (d) => {
      log += d;
      if (log.includes('Server is ready')) ok(child);
    });
    child.on('exit', (code) => fail(new Error(`nats-server exited ${code}: ${log}`)));
  });
}

async function verdict(r: RegistryFixture, model: string, digest: string): Promise<string> {
  const res = await r.inject({
    method: 'POST', url: `/v1/models/${model}/verdicts`, as: 'ci',
    payload: { kind: 'bootstrap', model, candidate_digest: digest, baseline_file_digest: sha('b'), eval_set_digest: sha('e'), tolerance_pp: 0.02, passed: true, buckets: [], created_at: new Date().toISOString() },
  });
  expect(res.statusCode).toBe(201);
  return res.json().id;
}

describe('registry events: transactional outbox', () => {
  it('keeps events made while NATS is down and publishes each exactly once, in order, when it comes up', async () => {
    const port = await freePort();
    const natsUrl = `nats://127.0.0.1:${port}`;
    const tmp = await makeTempDir('lynx-registry-nats-');
    const r = await startRegistry({ LYNX_NATS_URL: natsUrl });
    let server: ChildProcess | undefined;
    let nc: NatsConnection | undefined;
    try {
      const model = uniqueName('ob');
      const a = (await r.push(model, { 'w.bin': `a-${model}` })).body.digest;
      const b = (await r.push(model, { 'w.bin': `b-${model}` })).body.digest;
      const v = await verdict(r, model, a);
      expect((await r.inject({ method: 'POST', url: `/v1/models/${model}/promote`, as: 'ci', payload: { digest: a, semver: 'v1.0.0', verdict_id: v, reason: 'ship' } })).statusCode).toBe(200);
      expect((await r.inject({ method: 'PUT', url: `/v1/models/${model}/aliases/candidate`, as: 'operator', payload: { digest: b, reason: 'next' } })).statusCode).toBe(200);
      expect((await r.inject({ method: 'PUT', url: `/v1/traffic/${model}`, as: 'operator', payload: { plan: { strategy: 'shadow', primary: 'production', shadow: 'candidate', percent: 10 } } })).statusCode).toBe(200);
      const expected = ['version.registered', 'version.registered', 'verdict.recorded', 'promoted', 'alias.moved', 'traffic.changed'];

      const store = r.app.get<RegistryStore>(REGISTRY_STORE);
      const pending = (await store.pendingEvents(1000)).filter((e) => e.payload.model === model);
      expect(pending.map((e) => e.payload.type)).toEqual(expected);

      server = await startNatsServer(port, tmp.dir);
      nc = await connect({ servers: natsUrl });
      const stream = r.ns.names.stream('registry');
      await ensureStreams(await nc.jetstreamManager(), [stream]);
      const consumer = await nc.jetstream().consumers.get(stream.name);
      const messages = await consumer.consume();
      const received: any[] = [];
      for await (const m of messages) {
        received.push({ ...codec.decode(m.data), msgId: m.headers?.get('Nats-Msg-Id'), subject: m.subject });
        if (received.length === expected.length) break;
      }
      expect(received.map((e) => e.type)).toEqual(expected);
      expect(received.map((e) => e.event_id)).toEqual(pending.map((e) => e.event_id));
      expect(received.map((e) => e.msgId)).toEqual(pending.map((e) => e.event_id));
      expect(received[3]).toMatchObject({ model, digest: a, to: a, semver: 'v1.0.0', verdict_id: v, subject: r.ns.names.subject('lynx.registry.promoted') });

      // One more change goes out at once, and nothing of the earlier ones is sent again.
      const c = (await r.push(model, { 'w.bin': `c-${model}` })).body.digest;
      const next = await (await nc.jetstream().consumers.get(stream.name, { opt_start_seq: expected.length + 1 })).next({ expires: 5000 });
      expect(codec.decode(next!.data)).toMatchObject({ type: 'version.registered', digest: c });
      const info = await (await nc.jetstreamManager()).streams.info(stream.name);
      expect(info.state.messages).toBe(expected.length + 1);
      const left = (await store.pendingEvents(1000)).filter((e) => e.payload.model === model);
      expect(left.every((e) => e.payload.digest === c)).toBe(true);
    } finally {
      await nc?.close();
      await r.close();
      // nats-server writes its store until it exits: remove the folder only after that.
      if (server && server.exitCode === null) {
        const exited = new Promise((r) => server!.once('exit', r));
        server.kill('SIGTERM');
        await exited;
      }
      await tmp.cleanup();
    }
  });
});

describe('registry NATS request/reply', () => {
  let r: RegistryFixture;
  let rpc: NatsRpc;
  beforeAll(async () => {
    r = await startRegistry();
    expect(await r.app.get(RegistryRpc).subscribed).toBe(true);
    rpc = r.app.get(NatsRpc);
  });
  afterAll(async () => {
    await r?.close();
  });

  it('answers the current traffic plan with every ref resolved to a digest', async () => {
    const model = uniqueName('rpc');
    const a = (await r.push(model, { 'w.bin': `a-${model}` })).body.digest;
    const b = (await r.push(model, { 'w.bin': `b-${model}` })).body.digest;
    const none: any = await rpc.request(PATTERNS.registryTrafficPlan, { model });
    expect(none).toMatchObject({ model, revision: 0, plan: { strategy: 'single' }, refs: [{ ref: 'production', digest: null, error: { code: 'alias_not_found' } }] });
    await r.inject({ method: 'POST', url: `/v1/models/${model}/promote`, as: 'trainer', payload: { digest: a, semver: 'v0.1.0-dev', reason: 'try' } });
    await verdict(r, model, b); // a canary arm answers users: it needs a passing verdict
    const put = await r.inject({ method: 'PUT', url: `/v1/traffic/${model}`, as: 'operator', payload: { plan: { strategy: 'canary', stable: 'production', canary: b.slice(0, 20), weight: 5 } } });
    expect(put.statusCode).toBe(200);
    const plan: any = await rpc.request(PATTERNS.registryTrafficPlan, { model });
    expect(plan).toMatchObject({ model, revision: 1, plan: { strategy: 'canary', weight: 5 } });
    expect(plan.refs).toEqual([
      { ref: 'production', digest: a, semver: 'v0.1.0-dev' },
      { ref: b.slice(0, 20), digest: b, semver: null },
    ]);
    await expect(rpc.request(PATTERNS.registryTrafficPlan, { model: 'no-such-model' })).rejects.toMatchObject({ code: 'model_not_found', status: 404 });
    await expect(rpc.request(PATTERNS.registryTrafficPlan, { model: 'Bad Name' })).rejects.toMatchObject({ code: 'validation_failed', status: 400 });
  });

  it('resolves a model and ref to the version', async () => {
    const model = uniqueName('res');
    const a = (await r.push(model, { 'w.bin': `a-${model}` })).body.digest;
    expect(await rpc.request(PATTERNS.registryResolve, { model, ref: a.slice(7, 19) })).toMatchObject({ model, digest: a, status: 'registered', aliases: [] });
    await expect(rpc.request(PATTERNS.registryResolve, { model, ref: 'v9.9.9' })).rejects.toMatchObject({ code: 'version_not_found', status: 404 });
    await expect(rpc.request(PATTERNS.registryResolve, { model })).rejects.toMatchObject({ code: 'validation_failed', status: 400 });
  });
});
