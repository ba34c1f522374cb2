// The traffic strategies end to end: the real registry (own process, PGlite), the tutor's real
// model server (own process, four trained variants), NATS/JetStream, and the router in process.
import { pushBundle } from '@lynx/bundle';
import { recordPassingVerdict, startRegistryChild, type RegistryChild } from '@lynx/platform/testing';
import { SUBJECTS, shadowPairEventSchema } from '@lynx/schema';
import { ProxyService } from './proxy/proxy.service';
import { readEvents } from './testing/jetstream';
import { startModelServerProcess, type ModelServerProcess } from './testing/model-server-process';
import { startRouter, type RouterFixture } from './testing/router-fixture';

jest.setTimeout(180_000);

const MODEL = 'grammar-tutor';
let registry: RegistryChild;
let server: ModelServerProcess;
let router: RouterFixture;
const digest: Record<string, string> = {};

/** Runs `total` requests, `concurrency` at a time; returns them in order. */
async function load<T>(total: number, concurrency: number, one: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(total);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      out[i] = await one(i);
    }
  }));
  return out;
}

const ask = (user: string | undefined, text = 'he goed home') =>
  router.post('/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: text }], ...(user ? { user } : {}) });

async function putPlan(plan: unknown) {
  const res = await fetch(`${router.url}/v1/traffic/${MODEL}`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${registry.tokens.operator}` }, body: JSON.stringify({ plan, reason: 'test' }) });
  expect(res.status).toBe(200);
}

/** |observed − n·p| within 4 binomial standard deviations. */
function expectBinomial(observed: number, n: number, p: number) {
  const sigma = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(observed - n * p)).toBeLessThanOrEqual(4 * sigma);
}

beforeAll(async () => {
  [registry, server] = await Promise.all([startRegistryChild({ prefix: 'rtr' }), startModelServerProcess()]);
  for (const variant of ['base', 'lora', 'int8'] as const) {
    // upstream.* tags are an operator's to set.
    const tags = { variant, 'upstream.base_url': server.baseUrl, 'upstream.model': variant };
    digest[variant] = (await pushBundle({ url: registry.url, token: registry.tokens.operator }, MODEL, server.trained.dirs[variant], { tags })).digest;
    await recordPassingVerdict(registry, MODEL, digest[variant]); // A/B arms answer users
  }
  await registry.call('POST', `/v1/models/${MODEL}/promote`, { digest: digest.lora, semver: 'v0.1.0-dev.1', reason: 'first' }, 'trainer');
  router = await startRouter(
    { ...registry.ns.env, LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens.operator, LYNX_ROUTER_MODELS: MODEL },
    { refreshMs: 60_000 },
    { authorization: `Bearer ${registry.tokens.reader}` },
  );
});

afterAll(async () => {
  await router?.close();
  await Promise.all([registry?.stop(), server?.stop()]);
});

describe('router with the tutor model server', () => {
  it('answers as the production variant does when called directly', async () => {
    const res = await ask('u0', 'yesterday she runned home');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-lynx-digest')).toBe(digest.lora);
    const direct: any = await (
      await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'lora', messages: [{ role: 'user', content: 'yesterday she runned home' }] }) })
    ).json();
    expect(res.body.choices[0].message.content).toBe(direct.choices[0].message.content);
    expect(res.body.choices[0].message.content).not.toBe('yesterday she runned home');
  });

  it('splits A/B traffic by weight over 2000 learners and keeps each learner in one arm', async () => {
    await putPlan({ strategy: 'ab', arms: [{ ref: digest.lora, weight: 3, name: 'lora' }, { ref: digest.base, weight: 1, name: 'base' }] });
    const n = 2000;
    const arms = await load(n, 16, async (i) => (await ask(`learner-${i}`)).headers.get('x-lynx-arm'));
    expectBinomial(arms.filter((a) => a === 'base').length, n, 0.25);
    expect(arms.every((a) => a === 'base' || a === 'lora')).toBe(true);
    // The same 100 learners again, 3 times each: nobody changes arm.
    const again = await load(300, 16, async (i) => (await ask(`learner-${i % 100}`)).headers.get('x-lynx-arm'));
    again.forEach((arm, i) => expect(arm).toBe(arms[i % 100]));
  });

  it('mirrors the shadow share, returns only primary answers and publishes one pair per mirror', async () => {
    await putPlan({ strategy: 'shadow', primary: digest.lora, shadow: digest.int8, percent: 20 });
    const before = await router.metric('lynx_router_mirrored_total', { result: 'ok' });
    const n = 1000;
    const res = await load(n, 16, (i) => ask(`s-${i}`, 'she runned to school'));
    expect(res.every((r) => r.status === 200 && r.headers.get('x-lynx-digest') === digest.lora && r.headers.get('x-lynx-arm') === 'primary')).toBe(true);
    await router.app.get(ProxyService).shadowsIdle();
    const mirrored = (await router.metric('lynx_router_mirrored_total', { result: 'ok' })) - before;
    expect(await router.metric('lynx_router_mirrored_total', { result: 'error' })).toBe(0);
    expectBinomial(mirrored, n, 0.2);
    expect(await router.events.flush(10_000)).toBe(true);
    const ids = new Set(res.map((r) => r.headers.get('x-lynx-request-id')));
    const pairs = (await readEvents(registry.ns, SUBJECTS.inferenceShadow)).map((e) => shadowPairEventSchema.parse(e.data)).filter((p) => ids.has(p.request_id));
    expect(pairs).toHaveLength(mirrored);
    for (const p of pairs) {
      expect(p.primary.digest).toBe(digest.lora);
      expect(p.shadow.digest).toBe(digest.int8);
      expect(p.input).toBe('she runned to school');
    }
  });

  it('applies a plan change within a second under load, without a failed request', async () => {
    await putPlan({ strategy: 'single', ref: digest.lora });
    let stop = false;
    const seen: Array<{ at: number; status: number; digest: string | null }> = [];
    let i = 0;
    const loadDone = Promise.all(Array.from({ length: 8 }, async () => {
      while (!stop) {
        // `at` is when the request was sent: one sent before the switch may finish well after it.
        const at = Date.now();
        const r = await ask(`c-${i++}`);
        seen.push({ at, status: r.status, digest: r.headers.get('x-lynx-digest') });
      }
    }));
    await new Promise((r) => setTimeout(r, 300)); // some traffic on the old plan first
    const applied = router.nextPlan(MODEL, (p) => p.stable.digest === digest.base);
    const putAt = Date.now();
    const res = await registry.call('PUT', `/v1/traffic/${MODEL}`, { plan: { strategy: 'single', ref: digest.base }, reason: 'switch' }, 'operator');
    expect(res.status).toBe(200);
    await applied;
    const appliedAt = Date.now();
    expect(appliedAt - putAt).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await loadDone;
    expect(seen.length).toBeGreaterThan(20);
    expect(seen.every((s) => s.status === 200)).toBe(true);
    // Every request sent after the switch was applied is answered by the new version.
    const after = seen.filter((s) => s.at > appliedAt + 100);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((s) => s.digest === digest.base)).toBe(true);
    expect(seen.some((s) => s.digest === digest.lora)).toBe(true);
  });
});
