import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { pushRandomVersion } from '@lynx/bundle/testing';
import { createLynxApp } from '@lynx/platform';
import { recordPassingVerdict, spawnListening, startRegistryChild, type ListeningChild, type RegistryChild } from '@lynx/platform/testing';
import type { TrafficPlan } from '@lynx/schema';
import { type TutorItem, readItems } from '@lynx/tutor';
import { EVAL_SET_FILE } from '@lynx/tutor/testing';
import { GateAppModule } from '../app.module';
import { BanditService } from './bandit.service';

// A bandit plan served by the real router (child) with the real registry (child) and the gate
// (in process) over real NATS and Redis: one arm answers like a good tutor (the item's target),
// the other echoes the learner's sentence; the gate's grader judges the router's events, the gate
// reallocates, and the router moves traffic off the worse arm.
jest.setTimeout(180_000);

const REPO = resolve(__dirname, '../../../..');
const MODEL = `bandit-e2e-${randomBytes(3).toString('hex')}`;

async function startTutorUpstream(items: TutorItem[]): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const targets = new Map(items.map((i) => [i.input.trim(), i.target]));
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const input = String(body.messages?.[body.messages.length - 1]?.content ?? '');
      const content = body.model === 'good' ? (targets.get(input.trim()) ?? input) : input;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 0, model: body.model, choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 8, completion_tokens: 8, total_tokens: 16 } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('a bandit plan through the router, registry and gate', () => {
  let registry: RegistryChild;
  let upstream: { baseUrl: string; close(): Promise<void> };
  let router: ListeningChild;
  let app: NestFastifyApplication;
  let bandit: BanditService;
  let items: TutorItem[];
  const auth = () => ({ authorization: `Bearer ${registry.tokens.reader}` });

  beforeAll(async () => {
    registry = await startRegistryChild({ prefix: 'gateband', readyTimeoutMs: 150_000 });
    items = (await readItems(EVAL_SET_FILE)).filter((i) => i.input.trim() !== i.target.trim());
    upstream = await startTutorUpstream(items);
    router = await spawnListening(['-r', join(REPO, 'tools/register.js'), join(REPO, 'apps/router/src/main.ts')], {
      cwd: REPO,
      env: { ...process.env, ...registry.ns.env, LYNX_ROUTER_PORT: '0', LYNX_HOST: '127.0.0.1', LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens.operator, LYNX_ROUTER_MODELS: MODEL, LYNX_LOG_LEVEL: 'info' },
      label: 'router',
      timeoutMs: 150_000,
    });
    app = await createLynxApp(GateAppModule.forRoot({ env: { ...registry.ns.env, LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens.ci, LYNX_GATE_AUTO_CANARY: 'false', LYNX_GATE_BANDIT_TICK_MS: '3600000' } }), 'gate');
    await app.init();
    bandit = app.get(BanditService);
  }, 360_000);
  afterAll(async () => {
    await app?.close();
    await router?.stop();
    await upstream?.close();
    await registry?.stop();
  });

  async function ask(i: number): Promise<string> {
    const item = items[i % items.length];
    const res = await fetch(`${router.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth() },
      body: JSON.stringify({ model: MODEL, user: `learner-${i}`, messages: [{ role: 'user', content: item.input }] }),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`router answered ${res.status}: ${text}`);
    return res.headers.get('x-lynx-arm') ?? '';
  }

  async function askMany(from: number, n: number): Promise<string[]> {
    const arms: string[] = [];
    for (let i = from; i < from + n; i += 8) arms.push(...(await Promise.all(Array.from({ length: Math.min(8, from + n - i) }, (_, k) => ask(i + k)))));
    return arms;
  }

  it('moves traffic off the arm the grader finds worse, and the router follows the recorded reallocation', async () => {
    const version = (kind: 'good' | 'bad') => pushRandomVersion({ url: registry.url, token: registry.tokens.operator }, MODEL, { tags: { 'upstream.base_url': upstream.baseUrl, 'upstream.model': kind } });
    const good = await version('good');
    const bad = await version('bad');
    // Bandit arms answer users: each needs a passing gate verdict, as for A/B and canary arms.
    for (const digest of [good, bad]) await recordPassingVerdict(registry, MODEL, digest);
    const plan: TrafficPlan = { strategy: 'bandit', arms: [{ name: 'good', ref: good, weight: 50 }, { name: 'bad', ref: bad, weight: 50 }], interval_s: 1 };
    const put = await registry.call('PUT', `/v1/traffic/${MODEL}`, { plan, reason: 'start bandit' }, 'operator');
    expect(put.status).toBe(200);
    const routerRevision = async () => ((await (await fetch(`${router.url}/v1/traffic/${MODEL}`, { headers: auth() })).json()) as { revision: number }).revision;
    for (let t = Date.now(); (await routerRevision()) !== put.body.revision; ) {
      if (Date.now() - t > 10_000) throw new Error('router did not load the bandit plan');
      await new Promise((r) => setTimeout(r, 50));
    }

    let ingested = 0;
    bandit.inference!.on('ingested', () => ingested++);
    const first = await askMany(0, 160);
    expect(first.filter((a) => a === 'bad').length).toBeGreaterThan(40); // 50/50 to start
    for (let t = Date.now(); ingested < 160; ) {
      if (Date.now() - t > 30_000) throw new Error(`gate counted ${ingested} of 160 events`);
      await new Promise((r) => setTimeout(r, 50));
    }

    const [outcome] = (await bandit.tick(new Date(Date.now() + 5_000))).filter((o) => o.model === MODEL);
    expect(outcome).toMatchObject({ changed: true, revision: put.body.revision + 1 });
    expect(outcome.reason).toMatch(/^bandit reallocation \(Thompson sampling, floor 0\.05\): good 95 %/);
    const history = await registry.call('GET', `/v1/traffic/${MODEL}/history`);
    expect(JSON.stringify(history.body)).toContain('bandit reallocation');

    // The router applies the new weights (from the registry's event) within a second or so.
    const started = Date.now();
    while ((await routerRevision()) !== outcome.revision) {
      if (Date.now() - started > 10_000) throw new Error('router did not apply the reallocation');
      await new Promise((r) => setTimeout(r, 20));
    }
    const after = await askMany(1000, 200);
    const badShare = after.filter((a) => a === 'bad').length / after.length;
    expect(badShare).toBeLessThan(0.12); // the floor is 5 %
  });
});
