import { randomUUID } from 'node:crypto';
import { type EventEmitter, on } from 'node:events';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JSONCodec, connect, type NatsConnection } from 'nats';
import { pushRandomVersion } from '@lynx/bundle/testing';
import { GateRegistryClient } from '@lynx/gate';
import { createLynxApp } from '@lynx/platform';
import { TEST_NATS_URL, recordPassingVerdict, startRegistryChild, type RegistryChild } from '@lynx/platform/testing';
import { SUBJECTS, type RegistryEvent, type TrafficPlan } from '@lynx/schema';
import { GateAppModule } from '../app.module';
import { CanaryFollower, type Followed } from './canary-follower';
import { CanaryService, type Measurement } from './canary.service';

// The gate follows the rollout: the real registry (child) and the gate app in process share one
// namespace, so the registry's own lynx.registry.traffic.changed events reach the gate over real
// NATS; analyses live in real Redis (BullMQ). The interval is long: these tests are about when an
// analysis starts and stops, not about its measurements.
jest.setTimeout(60_000);

const FOLLOW_TIMEOUT_MS = 20_000;
const codec = JSONCodec();

describe('canary analysis follows the traffic plan', () => {
  let registry: RegistryChild;
  let app: NestFastifyApplication;
  let nc: NatsConnection;
  let canary: CanaryService;
  let follower: CanaryFollower;
  let operator: GateRegistryClient;
  let gateClient: GateRegistryClient;

  beforeAll(async () => {
    registry = await startRegistryChild({ prefix: 'gatef' });
    operator = new GateRegistryClient(registry.url, registry.tokens.operator);
    gateClient = new GateRegistryClient(registry.url, registry.tokens.ci);
    const env = { ...registry.ns.env, LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens.ci, LYNX_GATE_CANARY_INTERVAL_MS: '3600000' };
    app = await createLynxApp(GateAppModule.forRoot({ env }), 'gate');
    await app.init();
    canary = app.get(CanaryService);
    follower = app.get(CanaryFollower);
    nc = await connect({ servers: TEST_NATS_URL });
  });
  afterAll(async () => {
    await app?.close();
    await nc?.close();
    await registry?.stop(); // also deletes the shared namespace's streams and Redis keys
  });

  /** A one-file version of its own digest, with a passing gate verdict (canary arms need one). */
  async function version(model: string): Promise<string> {
    const digest = await pushRandomVersion({ url: registry.url, token: registry.tokens.trainer }, model);
    await recordPassingVerdict(registry, model, digest);
    return digest;
  }

  /** Resolves with the next `event` of `model` from `emitter`; call it before the change it waits for. */
  async function next<T extends { model: string }>(emitter: EventEmitter, event: 'followed' | 'measured', model: string): Promise<T> {
    try {
      for await (const [e] of on(emitter, event, { signal: AbortSignal.timeout(FOLLOW_TIMEOUT_MS) })) {
        if ((e as T).model === model) return e as T;
      }
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw new Error(`no ${event} event of ${model} within ${FOLLOW_TIMEOUT_MS} ms`);
      throw err;
    }
    throw new Error(`${event} events of ${model} ended`);
  }
  const nextFollowed = (model: string) => next<Followed>(follower, 'followed', model);
  /** A new analysis measures at once. */
  const nextMeasured = (model: string) => next<Measurement>(canary, 'measured', model);

  async function putAndFollow(client: GateRegistryClient, model: string, plan: TrafficPlan, reason: string): Promise<Followed> {
    const followed = nextFollowed(model);
    await client.putTraffic(model, plan, reason);
    return followed;
  }

  /** Publishes a traffic.changed event as the registry would, under a new event id (a repeat, not a JetStream duplicate). */
  async function publishTrafficChanged(model: string): Promise<Followed> {
    const followed = nextFollowed(model);
    const event: RegistryEvent = { event_id: randomUUID(), type: 'traffic.changed', model, actor: 'test', role: 'operator', time: new Date().toISOString() };
    await nc.jetstream().publish(registry.ns.names.subject(SUBJECTS.registryTrafficChanged), codec.encode(event), { msgID: event.event_id });
    return followed;
  }

  it('starts with a canary plan, keeps it through weight steps and repeats, replaces it for a new canary, stops it on single', async () => {
    const model = `follow-${Date.now().toString(36)}`;
    const stable = await version(model);
    const [first, second] = [await version(model), await version(model)];

    // A new analysis measures at once; with no traffic yet that holds (inconclusive) and changes no plan.
    const measured = nextMeasured(model);
    const started = await putAndFollow(operator, model, { strategy: 'canary', stable, canary: first, weight: 5, status: 'progressing' }, 'start canary');
    expect(started).toMatchObject({ action: 'started', revision: 1 });
    expect((await measured).decision).toMatchObject({ outcome: 'inconclusive', action: 'hold' });
    const status = await canary.status(model);
    expect(status).toMatchObject({ active: true, canary_digest: first, failures: 0, interval_ms: 3_600_000 });
    expect(status.reason).toMatch(/canary plan for sha256:\w+ set \(plan revision 1\)/);

    // The gate's own step (its ci token, as CanaryService.measure does) is a weight change of the same canary.
    const stepped = await putAndFollow(gateClient, model, { strategy: 'canary', stable, canary: first, weight: 25, status: 'progressing' }, 'canary analysis: step');
    expect(stepped).toMatchObject({ action: 'kept', revision: 2 });
    // A repeated event, twice: still the same analysis.
    expect(await publishTrafficChanged(model)).toMatchObject({ action: 'kept', revision: 2 });
    expect(await publishTrafficChanged(model)).toMatchObject({ action: 'kept', revision: 2 });
    expect(await canary.status(model)).toMatchObject({ active: true, canary_digest: first, started_at: status.started_at });

    // A replacement keeps the model's schedule (its next measurement is an interval away).
    const replaced = await putAndFollow(operator, model, { strategy: 'canary', stable, canary: second, weight: 5, status: 'progressing' }, 'new candidate');
    expect(replaced).toMatchObject({ action: 'replaced', revision: 3 });
    const after = await canary.status(model);
    expect(after).toMatchObject({ active: true, canary_digest: second, failures: 0 });
    expect(after.reason).toBe(`canary changed from ${first.slice(0, 19)} to ${second.slice(0, 19)} (plan revision 3)`);

    const stopped = await putAndFollow(operator, model, { strategy: 'single', ref: stable }, 'back to stable');
    expect(stopped).toMatchObject({ action: 'stopped', revision: 4 });
    const end = await canary.status(model);
    expect(end.active).toBe(false);
    expect(end.stopped?.reason).toBe('the plan is now single (plan revision 4)');

    // Nothing runs, and a repeat of the change starts nothing.
    expect(await publishTrafficChanged(model)).toMatchObject({ action: 'none', revision: 4 });
    expect((await canary.status(model)).active).toBe(false);
  });

  it('stops when the plan is aborted or paused and starts again when it progresses', async () => {
    const model = `pause-${Date.now().toString(36)}`;
    const stable = await version(model);
    const candidate = await version(model);
    const plan = { strategy: 'canary', stable, canary: candidate, weight: 5 } as const;

    // Each start measures at once: let that finish, so it cannot be the one that sees the next plan.
    let measured = nextMeasured(model);
    expect(await putAndFollow(operator, model, plan, 'start canary')).toMatchObject({ action: 'started' });
    await measured;
    expect(await putAndFollow(operator, model, { ...plan, status: 'paused' }, 'hold')).toMatchObject({ action: 'stopped', reason: 'the canary plan is paused (plan revision 2)' });
    expect((await canary.status(model)).active).toBe(false);
    measured = nextMeasured(model);
    expect(await putAndFollow(operator, model, { ...plan, status: 'progressing' }, 'resume')).toMatchObject({ action: 'started', revision: 3 });
    await measured;
    expect(await putAndFollow(gateClient, model, { ...plan, weight: 0, status: 'aborted' }, 'canary analysis: failure 2/2')).toMatchObject({
      action: 'stopped',
      reason: 'the canary plan is aborted (plan revision 4)',
    });
    expect((await canary.status(model)).active).toBe(false);
  });
});
