import { randomUUID } from 'node:crypto';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JSONCodec, connect, type NatsConnection } from 'nats';
import { GateRegistryClient } from '@lynx/gate';
import { createLynxApp } from '@lynx/platform';
import { TEST_NATS_URL, makeTempDir, startRegistryChild, testNamespace, uniqueName, type RegistryChild, type TestNamespace, recordPassingVerdict } from '@lynx/platform/testing';
import { SUBJECTS } from '@lynx/schema';
import { GateAppModule } from '../app.module';
import { BanditService } from './bandit.service';

// The bandit end to end but for the router: the real registry (child), the gate app in process,
// real NATS and Redis; the router's answers and users' feedback are published by the test to the
// gate's own namespace. The gate must move traffic off the worse arm, record the reallocation in
// the plan's history, and drop an arm that errs significantly more.
jest.setTimeout(120_000);

const codec = JSONCodec();

describe('bandit reallocation', () => {
  let registry: RegistryChild;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let ns: TestNamespace;
  let app: NestFastifyApplication;
  let nc: NatsConnection;
  let bandit: BanditService;
  let client: GateRegistryClient;

  beforeAll(async () => {
    [registry, tmp] = await Promise.all([startRegistryChild({ prefix: 'gateb' }), makeTempDir('lynx-gate-bandit-')]);
    client = new GateRegistryClient(registry.url, registry.tokens.admin);
    ns = testNamespace('gateb', { LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens.ci, LYNX_GATE_AUTO_CANARY: 'false', LYNX_GATE_BANDIT_TICK_MS: '3600000' });
    app = await createLynxApp(GateAppModule.forRoot({ env: ns.env }), 'gate');
    await app.init();
    bandit = app.get(BanditService);
    nc = await connect({ servers: TEST_NATS_URL });
  });
  afterAll(async () => {
    await app?.close();
    await nc?.close();
    await ns?.cleanup();
    await registry?.stop();
    await tmp?.cleanup();
  });

  async function push(model: string, content: string): Promise<string> {
    const dir = join(tmp.dir, model, content);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'weights.bin'), content);
    return client.push(model, dir);
  }

  /** n answers of an arm, each with the user's feedback (accepted with probability `accept`) or an error. */
  async function traffic(model: string, arm: string, digest: string, n: number, accept: number, errorEvery = 0): Promise<void> {
    const listener = bandit.inference!;
    let left = 0;
    const js = nc.jetstream();
    const pending: Array<[string, unknown]> = [];
    for (let i = 0; i < n; i++) {
      const request_id = randomUUID();
      const error = errorEvery > 0 && i % errorEvery === 0;
      const base = { request_id, time: new Date().toISOString(), model, digest, arm, role: 'bandit' };
      pending.push([SUBJECTS.inferenceCompleted, { ...base, event_id: randomUUID(), input: 'Unjudged input.', output: 'x', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }, latency_ms: 3, upstream_latency_ms: 2, status: error ? 'error' : 'ok' }]);
      // Deterministic acceptance: the first round(n·accept) answers are accepted.
      if (!error) pending.push([SUBJECTS.inferenceFeedback, { ...base, event_id: randomUUID(), accepted: i < Math.round(n * accept) }]);
    }
    left = pending.length;
    const counted = new Promise<void>((done) => {
      const on = () => {
        if (--left === 0) {
          listener.off('ingested', on);
          done();
        }
      };
      listener.on('ingested', on);
    });
    for (const [subject, body] of pending) {
      const b = body as { event_id: string };
      await js.publish(ns.names.subject(subject), codec.encode(body), { msgID: b.event_id });
    }
    await counted;
  }

  it('moves traffic off the worse arm and records each reallocation as a plan revision', async () => {
    const model = uniqueName('bandit');
    const good = await push(model, 'good');
    const worse = await push(model, 'worse');
    for (const digest of [good, worse]) await recordPassingVerdict(registry, model, digest); // bandit arms answer users
    const start = await client.putTraffic(
      model,
      { strategy: 'bandit', arms: [{ name: 'good', ref: good, weight: 50 }, { name: 'worse', ref: worse, weight: 50 }], floor: 0.05, interval_s: 1 },
      'start bandit',
    );
    await traffic(model, 'good', good, 200, 0.9);
    await traffic(model, 'worse', worse, 200, 0.6);
    const [outcome] = (await bandit.tick(new Date(Date.now() + 5_000))).filter((o) => o.model === model);
    expect(outcome).toMatchObject({ changed: true, revision: start.revision + 1 });
    const now = await client.traffic(model);
    expect(now.plan.strategy).toBe('bandit');
    const weights = Object.fromEntries((now.plan as any).arms.map((a: any) => [a.name, a.weight]));
    expect(weights.good).toBeGreaterThan(90);
    expect(weights.worse).toBeCloseTo(5, 0);
    const history = await fetch(`${registry.url}/v1/traffic/${model}/history`, { headers: { authorization: `Bearer ${registry.tokens.admin}` } }).then((r) => r.json() as Promise<{ changes: Array<{ reason: string | null }> }>);
    expect(history.changes.map((c) => c.reason).join('\n')).toContain('bandit reallocation (Thompson sampling, floor 0.05): good');
    // Before the plan's interval has passed again, nothing is written.
    expect((await bandit.tick(new Date(Date.now() + 5_000))).filter((o) => o.model === model)).toEqual([]);
  });

  it('drops an arm whose error rate is significantly higher (guardrail) and keeps it out', async () => {
    const model = uniqueName('bandit');
    const ok = await push(model, 'ok');
    const erring = await push(model, 'erring');
    for (const digest of [ok, erring]) await recordPassingVerdict(registry, model, digest);
    await client.putTraffic(model, { strategy: 'bandit', arms: [{ name: 'ok', ref: ok, weight: 50 }, { name: 'erring', ref: erring, weight: 50 }], interval_s: 1 }, 'start bandit');
    await traffic(model, 'ok', ok, 300, 0.8);
    await traffic(model, 'erring', erring, 300, 0.8, 5); // every 5th answer errs: 20 % vs 0 %
    const [outcome] = (await bandit.tick(new Date(Date.now() + 5_000))).filter((o) => o.model === model);
    expect(outcome.changed).toBe(true);
    expect(outcome.reason).toContain('guardrail erring: dropped: error rate 20.00 %');
    const plan = (await client.traffic(model)).plan as any;
    expect(plan.arms.find((a: any) => a.name === 'erring')).toMatchObject({ weight: 0, dropped: { reason: expect.stringContaining('always-valid mixture SPRT') } });
    expect(plan.arms.find((a: any) => a.name === 'ok').weight).toBe(100);
  });
});
