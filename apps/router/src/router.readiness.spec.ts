// Readiness: the router is ready once it has read its plans from the registry (and NATS is up),
// even when a model has no production version yet; that model alone answers 503. A router that
// never reached the registry is not ready, and becomes ready soon after the registry comes up.
import { createConnection, createServer } from 'node:net';
import { freePort, startRegistryChild, until, type RegistryChild } from '@lynx/platform/testing';
import { startFakeUpstream, type FakeUpstream } from './testing/fake-upstream';
import { startRouter, type RouterFixture } from './testing/router-fixture';
import { registerUpstreamVersion } from './testing/upstream-version';

jest.setTimeout(90_000);

const MODEL = 'grammar-tutor';
const chat = (model: string) => ({ model, messages: [{ role: 'user', content: 'he goed home' }] });
let registry: RegistryChild;
let upstream: FakeUpstream;
const routers: RouterFixture[] = [];

beforeAll(async () => {
  [registry, upstream] = await Promise.all([startRegistryChild({ prefix: 'rtr' }), startFakeUpstream('A')]);
  // Registered, never promoted: the registry knows the model, nothing is in production.
  await registerUpstreamVersion(registry, MODEL, { 'upstream.base_url': upstream.baseUrl, 'upstream.model': 'base' });
});

afterAll(async () => {
  await Promise.all(routers.map((r) => r.close()));
  await Promise.all([registry?.stop(), upstream?.close()]);
});

async function router(registryUrl: string): Promise<RouterFixture> {
  const r = await startRouter(
    { ...registry.ns.env, LYNX_REGISTRY_URL: registryUrl, LYNX_TOKEN: registry.tokens.operator, LYNX_ROUTER_MODELS: MODEL },
    { refreshMs: 60_000 },
    { authorization: `Bearer ${registry.tokens.reader}` },
  );
  routers.push(r);
  return r;
}

it('is ready without a production version, and answers 503 for that model and 404 for unknown ones', async () => {
  const r = await router(registry.url);
  const ready = await fetch(`${r.url}/readyz`);
  expect(ready.status).toBe(200);
  const res = await r.post('/v1/chat/completions', chat(MODEL));
  expect(res.status).toBe(503);
  expect(res.body.error.code).toBe('not_ready');
  expect(res.body.error.message).toContain(MODEL);
  expect(upstream.total()).toBe(0);
  expect((await r.post('/v1/chat/completions', chat('nope'))).status).toBe(404);
});

it('is not ready while the registry has never answered', async () => {
  const r = await router('http://127.0.0.1:9'); // discard port: nothing listens
  const ready = await fetch(`${r.url}/readyz`);
  expect(ready.status).toBe(503);
  expect(JSON.stringify(await ready.json())).toContain('traffic-plans');
  expect((await r.post('/v1/chat/completions', chat(MODEL))).status).toBe(503);
});

it('becomes ready soon after a registry that was down comes up, not at its next refresh', async () => {
  const port = await freePort();
  const r = await router(`http://127.0.0.1:${port}`);
  expect((await fetch(`${r.url}/readyz`)).status).toBe(503);
  // The registry "comes up" on the port the router was given: a TCP relay to the running one.
  const target = new URL(registry.url);
  const relay = createServer((socket) => socket.pipe(createConnection(Number(target.port), target.hostname)).pipe(socket));
  await new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve));
  try {
    // The refresh is 60 s: being ready well within it means the router kept asking while unsynced.
    await until('router ready', 20_000, async () => ((await fetch(`${r.url}/readyz`)).status === 200 ? true : undefined));
  } finally {
    relay.close();
  }
});
