// Fuzz suite, router: seeded hostile requests over real HTTP at every route, the two raw
// completion routes included (they are answered before Fastify), with a real registry process and
// a real upstream behind. Properties: no 5xx for client input, every answer within the time limit,
// and the upstream's circuit still closed afterwards (no client input counts against it).
import { lynxRoutes } from '@lynx/platform';
import { fc, formatFuzzReport, fuzzRoutes, nearValidBody, startRegistryChild, type RegistryChild } from '@lynx/platform/testing';
import { startFakeUpstream, type FakeUpstream } from './testing/fake-upstream';
import { startRouter, type RouterFixture } from './testing/router-fixture';
import { registerUpstreamVersion } from './testing/upstream-version';

jest.setTimeout(120_000);

const CASES_PER_ROUTE = Number(process.env.LYNX_FUZZ_CASES ?? 40);
const SEED = Number(process.env.LYNX_FUZZ_SEED ?? 19);
const MODEL = 'grammar-tutor';

let registry: RegistryChild;
let upstream: FakeUpstream;
let router: RouterFixture;

beforeAll(async () => {
  [registry, upstream] = await Promise.all([startRegistryChild({ prefix: 'rtrf' }), startFakeUpstream('A')]);
  const digest = await registerUpstreamVersion(registry, MODEL, { 'upstream.base_url': upstream.baseUrl, 'upstream.model': 'base' });
  await registry.call('PUT', `/v1/traffic/${MODEL}`, { plan: { strategy: 'single', ref: digest }, reason: 'fuzz' }, 'operator');
  router = await startRouter(
    { ...registry.ns.env, LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens.operator, LYNX_ROUTER_MODELS: MODEL },
    { breakerFailures: 3, breakerCooldownMs: 60_000, upstreamTimeoutMs: 3000, refreshMs: 60_000 },
  );
});

afterAll(async () => {
  await router?.close();
  await Promise.all([registry?.stop(), upstream?.close()]);
});

it('fuzz: router answers every hostile request below 500, in time, and keeps its circuit closed', async () => {
  const routes = [
    { method: 'POST', url: '/v1/chat/completions' },
    { method: 'POST', url: '/v1/completions' },
    ...lynxRoutes(router.app).filter((r) => r.method !== 'OPTIONS' && r.method !== 'HEAD'),
  ];
  const model = fc.oneof({ arbitrary: fc.constant(MODEL), weight: 4 }, { arbitrary: fc.jsonValue(), weight: 1 });
  const text = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }), fc.jsonValue({ maxDepth: 3 }));
  const common = { model, stream: fc.boolean(), user: text, max_tokens: fc.oneof(fc.integer(), fc.string()), stream_options: fc.jsonValue({ maxDepth: 2 }) };
  const chat = nearValidBody({ ...common, messages: fc.oneof(fc.array(fc.record({ role: fc.constantFrom('user', 'system', 'assistant', 'x'), content: text }), { maxLength: 4 }), fc.jsonValue({ maxDepth: 3 })) });
  const completions = nearValidBody({ ...common, prompt: fc.oneof(text, fc.array(text, { maxLength: 3 })) });
  const report = await fuzzRoutes('router', routes, {
    routeBodies: {
      'POST /v1/chat/completions': chat,
      'POST /v1/completions': completions,
      'POST /v1/feedback': nearValidBody({ request_id: fc.oneof(fc.uuid(), fc.string()), accepted: fc.jsonValue(), correction: text }),
      'PUT /v1/traffic/:model': nearValidBody({ plan: fc.jsonValue({ maxDepth: 3 }), reason: text, expected_revision: fc.jsonValue() }),
    },
    seed: SEED,
    casesPerRoute: CASES_PER_ROUTE,
    timeoutMs: 10_000,
    authorizations: [undefined, 'Bearer nope', ...Object.values(registry.tokens).map((t) => `Bearer ${t}`)],
    send: async (req) => {
      try {
        // fetch sends no body with GET (the registry's run covers GET bodies).
        const res = await fetch(router.url + req.url, { method: req.method, headers: req.headers, body: req.method === 'GET' ? undefined : req.body, signal: AbortSignal.timeout(9_000) });
        return { status: res.status, body: await res.text() };
      } catch (err) {
        // A request fetch itself refuses to send (e.g. a header it will not encode) reached no server.
        if (err instanceof TypeError && !/fetch failed/.test(err.message)) return { status: 0, body: err.message };
        throw err;
      }
    },
  });
  process.stdout.write(`${formatFuzzReport(report)}\n`);
  expect(report.failures).toEqual([]);
  expect(report.serverErrors).toBe(0);
  expect(await router.metric('lynx_router_circuit_open', { upstream: upstream.baseUrl })).toBe(0);
  const ok = await router.post('/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: 'still fine' }] }, { authorization: `Bearer ${registry.tokens.reader}` });
  expect(ok.status).toBe(200);
});
