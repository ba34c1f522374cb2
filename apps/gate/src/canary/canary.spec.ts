import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JSONCodec, connect, type NatsConnection } from 'nats';
import { GateRegistryClient } from '@lynx/gate';
import { LynxNames, REDIS_CLIENT, createLynxApp } from '@lynx/platform';
import { TEST_NATS_URL, makeTempDir, recordPassingVerdict, startRegistryChild, testNamespace, type RegistryChild, type TestNamespace } from '@lynx/platform/testing';
import { SUBJECTS, type InferenceEvent } from '@lynx/schema';
import { type TutorItem, correct, readItems } from '@lynx/tutor';
import { EVAL_SET_FILE, trainAllVariants, type TrainedVariants } from '@lynx/tutor/testing';
import { GateAppModule } from '../app.module';
import { CanaryService, type Measurement } from './canary.service';
import { CanaryStatsStore } from './canary-stats';

// Canary analysis end to end: the real registry (child), the gate app in process, real NATS and
// Redis; the router's events are published by the test to the gate's own namespace, with the
// answers the trained variants really give.
jest.setTimeout(90_000);

const codec = JSONCodec();

describe('canary analysis', () => {
  let registry: RegistryChild;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let trained: TrainedVariants;
  let ns: TestNamespace;
  let app: NestFastifyApplication;
  let nc: NatsConnection;
  let canary: CanaryService;
  let client: GateRegistryClient;
  let items: TutorItem[];
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    [registry, tmp] = await Promise.all([startRegistryChild({ prefix: 'gate' }), makeTempDir('lynx-gate-canary-')]);
    trained = await trainAllVariants(tmp.dir);
    client = new GateRegistryClient(registry.url, registry.tokens.admin);
    items = (await readItems(EVAL_SET_FILE)).filter((i) => i.buckets.includes('tense.past_participle'));
    ns = testNamespace('gatec', {
      LYNX_REGISTRY_URL: registry.url,
      LYNX_TOKEN: registry.tokens.ci,
      // Small horizons (a 30 pp drop at α 0.01, power 0.8, 2 looks): two batches finish a stage.
      LYNX_GATE_CANARY_STEPS: '5,25,50',
      LYNX_GATE_CANARY_ALPHA: '0.01',
      LYNX_GATE_CANARY_POWER: '0.8',
      LYNX_GATE_CANARY_LOOKS: '2',
      LYNX_GATE_CANARY_PASS_RATE_DROP: '0.3',
      LYNX_GATE_CANARY_BASE_ERROR_RATE: '0.05',
      // These tests start the analysis through the API; canary-follower.spec covers the automatic start.
      LYNX_GATE_AUTO_CANARY: 'false',
    });
    app = await createLynxApp(GateAppModule.forRoot({ env: ns.env }), 'gate');
    await app.init();
    canary = app.get(CanaryService);
    nc = await connect({ servers: TEST_NATS_URL });
  });
  afterAll(async () => {
    await app?.close();
    await nc?.close();
    await ns?.cleanup();
    await registry?.stop();
    await tmp?.cleanup();
  });

  let seq = 0;
  function event(model: string, role: 'stable' | 'canary', digest: string, variant: 'lora' | 'int8' | 'regressed'): InferenceEvent {
    const item = items[seq++ % items.length];
    return {
      event_id: randomUUID(),
      request_id: randomUUID(),
      time: new Date().toISOString(),
      model,
      digest,
      arm: role,
      role,
      input: item.input,
      output: correct(trained.models[variant], item.input).corrected,
      usage: { prompt_tokens: 8, completion_tokens: 8, total_tokens: 16 },
      latency_ms: 5 + (seq % 7),
      upstream_latency_ms: 4,
      status: 'ok',
    };
  }

  /** Publishes one interval's traffic for both arms and resolves when the gate has counted it. */
  async function publishBatch(model: string, canaryDigest: string, canaryVariant: 'int8' | 'regressed', n = 30): Promise<void> {
    const listener = canary.inference!;
    let left = 2 * n;
    const counted = new Promise<void>((done) => {
      const on = () => {
        if (--left === 0) {
          listener.off('ingested', on);
          done();
        }
      };
      listener.on('ingested', on);
    });
    const js = nc.jetstream();
    const subject = ns.names.subject(SUBJECTS.inferenceCompleted);
    for (let i = 0; i < n; i++) {
      for (const e of [event(model, 'stable', digests.lora, 'lora'), event(model, 'canary', canaryDigest, canaryVariant)]) {
        await js.publish(subject, codec.encode(e), { msgID: e.event_id });
      }
    }
    await counted;
  }

  /** Starts the analysis and feeds a batch after every measurement until it stops; returns the measurements. */
  async function runCanary(model: string, canaryDigest: string, variant: 'int8' | 'regressed'): Promise<Measurement[]> {
    const seen: Measurement[] = [];
    const finished = new Promise<void>((done, fail) => {
      const on = (m: Measurement) => {
        if (m.model !== model) return;
        seen.push(m);
        if (m.stopped || m.decision?.action === 'abort' || m.decision?.action === 'complete') {
          canary.off('measured', on);
          done();
        } else {
          publishBatch(model, canaryDigest, variant).catch(fail);
        }
      };
      canary.on('measured', on);
    });
    await publishBatch(model, canaryDigest, variant);
    const res = await app.getHttpAdapter().getInstance().inject({ method: 'POST', url: `/v1/gate/canaries/${model}`, payload: { interval_ms: 300 } });
    expect(res.statusCode).toBe(201);
    await finished;
    return seen;
  }

  async function setup(model: string, canaryVariant: 'int8' | 'regressed'): Promise<string> {
    const lora = await client.push(model, trained.dirs.base).then(() => client.push(model, trained.dirs.lora, { data: [], parent_digest: trained.runs.base.bundle_digest }));
    digests.lora = lora;
    const candidate = await client.push(model, trained.dirs[canaryVariant]);
    // Arms that answer users need a passing gate verdict (here: recorded directly).
    for (const digest of [lora, candidate]) await recordPassingVerdict(registry, model, digest);
    await client.putTraffic(model, { strategy: 'canary', stable: lora, canary: candidate, weight: 5, status: 'progressing' }, 'start canary');
    return candidate;
  }

  it('a start that names no interval (the follower seeing the plan late) keeps the running analysis interval', async () => {
    const model = `interval-${Date.now().toString(36)}`;
    await setup(model, 'int8');
    const first = await canary.start({ model, interval_ms: 400 }, 'operator start');
    expect(first).toMatchObject({ interval_ms: 400 });
    const again = await canary.start({ model }, 'follower start');
    expect(again).toMatchObject({ interval_ms: 400, resumed: true });
    await canary.stop(model, 'test over');
    // Stopped (not paused): a new start is a new analysis at the configured interval.
    const fresh = await canary.start({ model }, 'new start');
    expect(fresh.resumed).toBe(false);
    expect(fresh.interval_ms).not.toBe(400);
    await canary.stop(model, 'test over');
  });

  it('steps a good canary 5 → 25 → 50 and completes there, while stable still has traffic: the plan becomes single on it', async () => {
    const model = `good-${Date.now().toString(36)}`;
    const candidate = await setup(model, 'int8');
    const seen = await runCanary(model, candidate, 'int8');
    const steps = seen.filter((m) => m.decision?.action === 'step').map((m) => m.decision!.weight);
    expect(steps).toEqual([25, 50]);
    expect(seen.filter((m) => m.decision?.outcome === 'failed').map((m) => m.decision)).toEqual([]);
    expect(seen[seen.length - 1].decision).toMatchObject({ outcome: 'successful', action: 'complete' });
    const { plan } = await client.traffic(model);
    expect(plan).toEqual({ strategy: 'single', ref: candidate });
    expect((await canary.status(model)).active).toBe(false);
    // Every measurement is kept, newest first, with its step, weight, decision and figures, and
    // stays readable (by a reader) after the rollout ended.
    const decided = seen.filter((m) => m.decision).map((m) => m.decision!);
    const res = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: `/v1/gate/canaries/${model}/measurements` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ model, canary_digest: candidate });
    expect(body.measurements.map((m: { decision: unknown }) => m.decision)).toEqual([...decided].reverse());
    expect(body.measurements.map((m: { weight: number }) => m.weight).reverse()).toEqual([5, ...decided.slice(0, -1).map((d) => d.weight)]);
    for (const m of body.measurements) expect(m).toMatchObject({ canary_digest: candidate, canary_requests: expect.any(Number), stable_requests: expect.any(Number), at: expect.any(String) });
    const two = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: `/v1/gate/canaries/${model}/measurements?limit=2&digest=${encodeURIComponent(candidate)}` });
    expect(two.json().measurements).toEqual(body.measurements.slice(0, 2));
    for (const q of ['limit=0', 'limit=501', 'digest=sha256:abc']) {
      expect((await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: `/v1/gate/canaries/${model}/measurements?${q}` })).statusCode).toBe(400);
    }
  });

  it('aborts a canary that answers wrongly once its pass rate is significantly lower, with an audited reason', async () => {
    const model = `bad-${Date.now().toString(36)}`;
    const candidate = await setup(model, 'regressed');
    const seen = await runCanary(model, candidate, 'regressed');
    const conclusive = seen.filter((m) => m.decision && m.decision.outcome !== 'inconclusive');
    expect(conclusive.map((m) => m.decision!.outcome)).toEqual(['failed']);
    const last = conclusive[0].decision!;
    expect(last).toMatchObject({ action: 'abort', weight: 0 });
    const check = last.checks.find((c) => c.metric === 'pass_rate')!;
    expect(check.result).toBe('fail');
    expect(check.p_value!).toBeLessThan(check.boundary!);
    const { plan } = await client.traffic(model);
    expect(plan).toMatchObject({ weight: 0, status: 'aborted' });
    const audit = await client.audit(model);
    expect(audit.some((e) => /traffic/.test(e.action) && /canary analysis: at 5%: pass_rate .*aborting/.test(e.reason ?? ''))).toBe(true);
  });

  it('drops a measurement overlapped by a stop or a replace: nothing written, no traffic change', async () => {
    const model = `race-${Date.now().toString(36)}`;
    const candidate = await setup(model, 'int8');
    await publishBatch(model, candidate, 'int8');
    const before = await client.traffic(model);
    // The state a start writes, without the BullMQ schedule, so only this test measures.
    const begin = (id: string) => canary.stats.startState(model, { failures: 0, analysis_id: id, canary: candidate, canary_digest: candidate });
    const read = canary.stats.read.bind(canary.stats);
    const whileReading = (interleave: () => Promise<unknown>) =>
      jest.spyOn(canary.stats, 'read').mockImplementationOnce(async (...args) => {
        await interleave();
        return read(...args);
      });

    await begin('first');
    const stopped = whileReading(() => canary.stats.markStopped(model, { at: new Date().toISOString(), reason: 'stopped mid-measurement' }));
    const m1 = await canary.measure(model);
    stopped.mockRestore();
    expect(m1.decision).toBeUndefined();
    expect(m1.stopped).toMatch(/stopped or replaced during the measurement/);
    const afterStop = await canary.stats.getState(model);
    expect(afterStop).toMatchObject({ analysis_id: 'first', stopped: { reason: 'stopped mid-measurement' } });
    expect(afterStop.last).toBeUndefined();

    await begin('second');
    const replaced = whileReading(() => begin('third'));
    const m2 = await canary.measure(model);
    replaced.mockRestore();
    expect(m2.decision).toBeUndefined();
    const afterReplace = await canary.stats.getState(model);
    expect(afterReplace).toEqual({ failures: 0, analysis_id: 'third', canary: candidate, canary_digest: candidate });

    // The counters the dropped measurements read are still there for the running analysis: one
    // batch is below the first look, so it holds, inconclusive, and the plan is unchanged.
    const m3 = await canary.measure(model);
    expect(m3.decision).toMatchObject({ outcome: 'inconclusive', action: 'hold', weight: 5 });
    expect(m3.decision!.checks.find((c) => c.metric === 'pass_rate')?.canary_n).toBe(30);
    expect((await canary.stats.getState(model)).last).toBeDefined();
    expect((await client.traffic(model)).revision).toBe(before.revision);
    // Only the measurement that was written is in the rollout's history.
    expect((await canary.measurements(model)).measurements).toEqual([expect.objectContaining({ analysis_id: 'third', weight: 5, decision: m3.decision })]);
    await canary.stop(model, 'test over');
  });

  it('keeps a bounded history per rollout, newest first', async () => {
    const model = `hist-${Date.now().toString(36)}`;
    const digest = `sha256:${'ab'.repeat(32)}`;
    const store = new CanaryStatsStore(app.get(REDIS_CLIENT), app.get(LynxNames), 10, 3);
    await store.startState(model, { failures: 0, analysis_id: 'h', canary_digest: digest });
    const decision = { outcome: 'inconclusive' as const, action: 'hold' as const, weight: 5, checks: [], reason: 'collecting' };
    for (let i = 0; i < 5; i++) {
      const record = { at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), analysis_id: 'h', canary_digest: digest, stage: 0, weight: 5, stable_requests: i, canary_requests: i, decision };
      expect(await store.setStateIfCurrent(model, 'h', { failures: 0, analysis_id: 'h', canary_digest: digest }, record)).toBe(true);
    }
    expect((await store.measurements(model, digest)).map((m) => m.canary_requests)).toEqual([4, 3, 2]);
    expect((await store.measurements(model, digest, 1)).map((m) => m.canary_requests)).toEqual([4]);
    // A refused write (another analysis runs) adds nothing.
    expect(await store.setStateIfCurrent(model, 'other', { failures: 0 }, { ...(await store.measurements(model, digest))[0], canary_requests: 99 })).toBe(false);
    expect((await store.measurements(model, digest)).map((m) => m.canary_requests)).toEqual([4, 3, 2]);
  });
});
