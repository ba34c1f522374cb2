// NATS stops mid-run: user requests keep being answered, events that cannot be published are
// dropped (bounded buffer) and counted. The router talks to a nats-server this test owns.
import { startRegistryChild, type RegistryChild } from '@lynx/platform/testing';
import { startFakeUpstream, type FakeUpstream } from './testing/fake-upstream';
import { startNatsServer, type NatsServerProcess } from './testing/nats-server-process';
import { startRouter, type RouterFixture } from './testing/router-fixture';
import { registerUpstreamVersion } from './testing/upstream-version';

jest.setTimeout(90_000);

const MODEL = 'grammar-tutor';
let registry: RegistryChild;
let nats: NatsServerProcess;
let upstream: FakeUpstream;
let router: RouterFixture;

beforeAll(async () => {
  [registry, nats, upstream] = await Promise.all([startRegistryChild({ prefix: 'rtr' }), startNatsServer(), startFakeUpstream('A')]);
  const digest = await registerUpstreamVersion(registry, MODEL, { 'upstream.base_url': upstream.baseUrl, 'upstream.model': 'base' });
  await registry.call('PUT', `/v1/traffic/${MODEL}`, { plan: { strategy: 'single', ref: digest }, reason: 'test' }, 'operator');
  router = await startRouter(
    { ...registry.ns.env, LYNX_NATS_URL: nats.url, LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens.operator, LYNX_ROUTER_MODELS: MODEL },
    // The default ack timeout: a shorter one (300 ms) let a JetStream ack delayed by a loaded CI
    // machine drop an event while NATS was up. The outage still overflows the small buffer at once.
    { eventBuffer: 20, eventConcurrency: 4, eventPublishTimeoutMs: 2000, refreshMs: 60_000 },
    { authorization: `Bearer ${registry.tokens.reader}` },
  );
});

afterAll(async () => {
  await router?.close();
  await Promise.all([registry?.stop(), nats?.cleanup(), upstream?.close()]);
});

const ask = (i: number) => router.post('/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: `sentence ${i}` }] });

it('keeps answering users when NATS goes away, and counts the events it drops', async () => {
  for (let i = 0; i < 10; i++) expect((await ask(i)).status).toBe(200);
  expect(await router.events.flush(5000)).toBe(true);
  expect(await router.metric('lynx_router_events_published_total')).toBe(10);
  expect(await router.metric('lynx_router_events_dropped_total')).toBe(0);

  await nats.kill();
  const statuses: number[] = [];
  for (let i = 0; i < 200; i++) statuses.push((await ask(i)).status);
  expect(statuses.every((s) => s === 200)).toBe(true);
  const dropped = await router.metric('lynx_router_events_dropped_total');
  expect(dropped).toBeGreaterThan(100);
  expect(await router.metric('lynx_router_events_dropped_total', { reason: 'overflow' })).toBeGreaterThan(0);
  expect(await router.metric('lynx_router_events_published_total')).toBe(10);
});
