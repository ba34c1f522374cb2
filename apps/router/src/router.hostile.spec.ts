// A hostile reader and a careless trainer against the router (real registry process, real NATS,
// small real upstreams): bodies that used to open the circuit for everyone, client hang-ups on
// streams, a version tag pointing at an internal listener, arm names that break headers.
import { pushRandomVersion } from '@lynx/bundle/testing';
import { startRegistryChild, type RegistryChild } from '@lynx/platform/testing';
import type { Role } from '@lynx/schema';
import { startFakeUpstream, type FakeUpstream } from './testing/fake-upstream';
import { startRouter, type RouterFixture } from './testing/router-fixture';
import { registerUpstreamVersion } from './testing/upstream-version';

jest.setTimeout(90_000);

const MODEL = 'grammar-tutor';
let registry: RegistryChild;
let a: FakeUpstream;
/** Stands for an internal listener (NATS, Redis, an admin port) a tag must never reach. */
let internal: FakeUpstream;
let router: RouterFixture;
let digestA: string;
let digestInternal: string;
const auth = (role: Role) => ({ authorization: `Bearer ${registry.tokens[role]}` });
const chat = (content: string, extra: Record<string, unknown> = {}) => ({ model: MODEL, messages: [{ role: 'user', content }], ...extra });
const hostOf = (u: FakeUpstream) => new URL(u.baseUrl).host;

async function putPlan(plan: unknown, as: Role = 'operator') {
  const res = await fetch(`${router.url}/v1/traffic/${MODEL}`, { method: 'PUT', headers: { 'content-type': 'application/json', ...auth(as) }, body: JSON.stringify({ plan, reason: 'probe' }) });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  [registry, a, internal] = await Promise.all([startRegistryChild({ prefix: 'rtrh' }), startFakeUpstream('A'), startFakeUpstream('INTERNAL')]);
  digestA = await registerUpstreamVersion(registry, MODEL, { 'upstream.base_url': a.baseUrl, 'upstream.model': 'base' });
  // The test registry allows any loopback port; the router below allows only A's.
  digestInternal = await registerUpstreamVersion(registry, MODEL, { 'upstream.base_url': internal.baseUrl, 'upstream.model': 'x' });
  expect((await registry.call('PUT', `/v1/traffic/${MODEL}`, { plan: { strategy: 'single', ref: digestA }, reason: 'start' }, 'operator')).status).toBe(200);
  router = await startRouter(
    { ...registry.ns.env, LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens.operator, LYNX_ROUTER_MODELS: MODEL, LYNX_UPSTREAM_ALLOWED_HOSTS: hostOf(a) },
    { breakerFailures: 2, breakerCooldownMs: 60_000, upstreamTimeoutMs: 3000, refreshMs: 60_000 },
    auth('reader'),
  );
});

afterAll(async () => {
  await router?.close();
  await Promise.all([registry?.stop(), a?.close(), internal?.close()]);
});

const circuitOpen = () => router.metric('lynx_router_circuit_open', { upstream: a.baseUrl });

describe('router: hostile input', () => {
  it('answers a deeply nested body with 400 and never counts it against the upstream', async () => {
    const nested = JSON.stringify(chat('x')).replace(/}$/, `,"x":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    for (let i = 0; i < 6; i++) {
      const res = await router.post('/v1/chat/completions', nested);
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code: 'json_too_deep' });
    }
    expect(await circuitOpen()).toBe(0);
    const ok = await router.post('/v1/chat/completions', chat('he goed'));
    expect(ok.status).toBe(200);
    expect(ok.body.choices[0].message.content).toBe('A:base: he goed');
  });

  it('does not count clients hanging up on streamed answers as upstream failures', async () => {
    a.delayMs = 100;
    try {
      // Six at once, as the probe did: each has started (a success for the breaker) before any hangs up.
      const hangUp = async () => {
        const ctl = new AbortController();
        const res = await fetch(`${router.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth('reader') },
          body: JSON.stringify(chat('one two three four five six', { stream: true })),
          signal: ctl.signal,
        });
        expect(res.status).toBe(200);
        const reader = res.body!.getReader();
        await reader.read(); // the first chunk, then the client goes away
        return () => {
          ctl.abort();
          return reader.read().catch(() => undefined);
        };
      };
      const aborts = await Promise.all(Array.from({ length: 6 }, hangUp));
      await Promise.all(aborts.map((abort) => abort()));
      // Let the router see the hang-ups.
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      a.delayMs = 0;
    }
    expect(await circuitOpen()).toBe(0);
    expect((await router.post('/v1/chat/completions', chat('she runned'))).status).toBe(200);
  });

  it('never sends a prompt to an upstream host that is not allowed, whoever stored the plan', async () => {
    const viaRouter = await putPlan({ strategy: 'single', ref: digestInternal });
    expect(viaRouter.status).toBe(400);
    expect(viaRouter.body.error.message).toMatch(/not an allowed host/);
    // Stored straight into the registry (whose own list is wider here): the router keeps its plan.
    const stored = registry.call('PUT', `/v1/traffic/${MODEL}`, { plan: { strategy: 'single', ref: digestInternal }, reason: 'ssrf' }, 'operator');
    expect((await stored).status).toBe(200);
    await router.plans.reload(MODEL);
    for (let i = 0; i < 5; i++) expect((await router.post('/v1/chat/completions', chat(`p${i}`))).headers.get('x-lynx-digest')).toBe(digestA);
    expect(internal.total()).toBe(0);
    expect((await registry.call('PUT', `/v1/traffic/${MODEL}`, { plan: { strategy: 'single', ref: digestA }, reason: 'back' }, 'operator')).status).toBe(200);
  });

  it('lets only operators set upstream tags in the registry', async () => {
    await expect(pushRandomVersion({ url: registry.url, token: registry.tokens.trainer }, MODEL, { tags: { 'upstream.base_url': a.baseUrl } })).rejects.toThrow(/403|forbidden|operator/i);
  });

  it('shows upstream URLs to operators only', async () => {
    await router.plans.reload(MODEL);
    const asReader: any = await (await fetch(`${router.url}/v1/traffic/${MODEL}`, { headers: auth('reader') })).json();
    expect(asReader.arms.length).toBeGreaterThan(0);
    expect(JSON.stringify(asReader)).not.toContain('127.0.0.1');
    expect(asReader.arms[0].upstream).toBeUndefined();
    const asOperator: any = await (await fetch(`${router.url}/v1/traffic/${MODEL}`, { headers: auth('operator') })).json();
    expect(asOperator.arms[0].upstream.base_url).toBe(a.baseUrl);
  });

  it('refuses arm names that cannot go out as a header, and keeps serving', async () => {
    for (const name of ['a\r\nSet-Cookie: pwn=1', 'яблоко', 'has space']) {
      const res = await putPlan({ strategy: 'ab', arms: [{ ref: digestA, weight: 1, name }] });
      expect({ name, status: res.status, code: res.body.error.code }).toEqual({ name, status: 400, code: 'validation_failed' });
    }
    expect((await router.post('/v1/chat/completions', chat('still here'))).status).toBe(200);
  });
});
