// kill -9 of the gate mid-canary-analysis and a restart: the analysis carries on (same analysis,
// its evidence kept, measured again by the new process from the job scheduler in Redis), and the
// plan the registry serves has the weight the analysis says.
import { randomUUID } from 'node:crypto';
import { JSONCodec, connect, type NatsConnection } from 'nats';
import { pushRandomVersion } from '@lynx/bundle/testing';
import { recordPassingVerdict, spawnLynxApp, startRegistryChild, type LynxAppProcess, type RegistryChild } from '@lynx/platform/testing';
import { SUBJECTS, type InferenceEvent } from '@lynx/schema';
import { readItems, type TutorItem } from '@lynx/tutor';
import { EVAL_SET_FILE } from '@lynx/tutor/testing';

jest.setTimeout(120_000);

const MODEL = 'gate-crash';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Status {
  active: boolean;
  analysis_id?: string;
  last?: { at: string };
  analysis?: { stage: number; weight: number; measurements: number };
}

describe('gate: kill -9 mid-canary-analysis', () => {
  let registry: RegistryChild;
  let nc: NatsConnection;
  let gate: LynxAppProcess | undefined;
  let items: TutorItem[];
  let feeding = true;

  beforeAll(async () => {
    [registry, items] = await Promise.all([startRegistryChild({ prefix: 'gatek' }), readItems(EVAL_SET_FILE)]);
    nc = await connect({ servers: registry.ns.env.LYNX_NATS_URL });
  });
  afterAll(async () => {
    feeding = false;
    await gate?.kill();
    await nc?.close();
    await registry?.stop();
  });

  it('resumes the same analysis after a SIGKILL, and the served weight is the analysis weight', async () => {
    const token = registry.tokens.trainer ?? registry.tokens.admin;
    const stable = await pushRandomVersion({ url: registry.url, token }, MODEL);
    const canary = await pushRandomVersion({ url: registry.url, token }, MODEL);
    for (const digest of [stable, canary]) await recordPassingVerdict(registry, MODEL, digest);
    const put = await registry.call('PUT', `/v1/traffic/${MODEL}`, { plan: { strategy: 'canary', stable, canary, weight: 5, status: 'progressing' }, reason: 'crash test' }, 'operator');
    expect(put.status).toBe(200);

    const env = {
      ...registry.ns.env,
      LYNX_REGISTRY_URL: registry.url,
      LYNX_TOKEN: registry.tokens.ci,
      // Long stages (many small looks), so the analysis is still running when the gate is killed.
      LYNX_GATE_CANARY_STEPS: '5,25,50',
      LYNX_GATE_CANARY_ALPHA: '0.01',
      LYNX_GATE_CANARY_POWER: '0.8',
      LYNX_GATE_CANARY_LOOKS: '2',
      LYNX_GATE_CANARY_PASS_RATE_DROP: '0.05',
      LYNX_GATE_CANARY_BASE_ERROR_RATE: '0.05',
      LYNX_GATE_AUTO_CANARY: 'false',
    };
    gate = await spawnLynxApp('gate', env);
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${gate!.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${registry.tokens.operator}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: (await res.json()) as Status & Record<string, unknown> };
    };
    const status = async () => (await api('GET', `/v1/gate/canaries/${MODEL}`)).body;

    // Good answers on both arms, a batch every 200 ms, for as long as the test runs.
    let seq = 0;
    const js = nc.jetstream();
    const subject = registry.ns.names.subject(SUBJECTS.inferenceCompleted);
    const event = (role: 'stable' | 'canary', digest: string): InferenceEvent => {
      const item = items[seq++ % items.length];
      return {
        event_id: randomUUID(), request_id: randomUUID(), time: new Date().toISOString(), model: MODEL, digest, arm: role, role,
        input: item.input, output: item.target, usage: { prompt_tokens: 8, completion_tokens: 8, total_tokens: 16 },
        latency_ms: 5, upstream_latency_ms: 4, status: 'ok',
      };
    };
    const feed = (async () => {
      while (feeding) {
        await Promise.all(Array.from({ length: 10 }, () => [event('stable', stable), event('canary', canary)]).flat().map((e) => js.publish(subject, JSONCodec().encode(e), { msgID: e.event_id })));
        await sleep(200);
      }
    })();

    const started = await api('POST', `/v1/gate/canaries/${MODEL}`, { interval_ms: 300 });
    expect(started.status).toBe(201);
    let atKill: Status = {} as Status;
    for (let i = 0; i < 300; i++) {
      atKill = await status();
      if ((atKill.analysis?.measurements ?? 0) >= 2 || (atKill.analysis?.stage ?? 0) >= 1) break;
      await sleep(100);
    }
    expect(atKill.analysis).toBeDefined();
    const killedAt = Date.now();
    await gate.kill();

    gate = await spawnLynxApp('gate', env);
    let after: Status = atKill;
    for (let i = 0; i < 300; i++) {
      after = await status();
      if (after.last && Date.parse(after.last.at) > killedAt) break;
      await sleep(100);
    }
    feeding = false;
    await feed;
    // The same analysis, measured again by the new process; the weight served is the analysis's.
    expect(after.analysis_id).toBe(atKill.analysis_id);
    expect(Date.parse(after.last!.at)).toBeGreaterThan(killedAt);
    expect(after.analysis!.stage).toBeGreaterThanOrEqual(atKill.analysis!.stage);
    const agree = async () => {
      let served = -1;
      let analysed = -2;
      for (let i = 0; i < 50 && served !== analysed; i++) {
        const [{ body: plan }, s] = await Promise.all([registry.call('GET', `/v1/traffic/${MODEL}`), status()]);
        served = plan.plan.strategy === 'canary' ? plan.plan.weight : -1;
        analysed = s.analysis?.weight ?? -3;
        if (served !== analysed) await sleep(200);
      }
      return { served, analysed };
    };
    const first = await agree();
    process.stdout.write(`chaos: gate kill -9 mid-canary: ${JSON.stringify({ atKill: atKill.analysis, after: after.analysis, served: first.served })}\n`);
    expect(first.served).toBe(first.analysed);

    // A gate killed between writing a step to its analysis and applying it to the plan leaves the
    // plan at another weight: the next measurement puts the analysis's weight back.
    const { body: current } = await registry.call('GET', `/v1/traffic/${MODEL}`);
    const skewed = await registry.call('PUT', `/v1/traffic/${MODEL}`, { plan: { ...current.plan, weight: first.analysed + 7 }, reason: 'as a killed gate leaves it' }, 'operator');
    expect(skewed.status).toBe(200);
    const second = await agree();
    expect(second).toEqual({ served: first.analysed, analysed: first.analysed });
  });
});
