// NATS stopped and started again under load, against a nats-server this test owns: while the
// router's event buffer has room not one event is lost (a failed publish goes back into the buffer
// and is retried under the same Nats-Msg-Id); when it overflows, what is stored plus what is
// counted as dropped is exactly what was answered.
import { startRegistryChild, type RegistryChild } from '@lynx/platform/testing';
import { SUBJECTS } from '@lynx/schema';
import { startFakeUpstream, type FakeUpstream } from './testing/fake-upstream';
import { readEvents } from './testing/jetstream';
import { startNatsServer, type NatsServerProcess } from './testing/nats-server-process';
import { startRouter, type RouterFixture } from './testing/router-fixture';
import { registerUpstreamVersion } from './testing/upstream-version';

jest.setTimeout(120_000);

const MODEL = 'grammar-tutor';
let registry: RegistryChild;
let nats: NatsServerProcess;
let upstream: FakeUpstream;

beforeAll(async () => {
  [registry, nats, upstream] = await Promise.all([startRegistryChild({ prefix: 'rtrc' }), startNatsServer(), startFakeUpstream('A')]);
  const digest = await registerUpstreamVersion(registry, MODEL, { 'upstream.base_url': upstream.baseUrl, 'upstream.model': 'base' });
  await registry.call('PUT', `/v1/traffic/${MODEL}`, { plan: { strategy: 'single', ref: digest }, reason: 'test' }, 'operator');
});

afterAll(async () => {
  await Promise.all([registry?.stop(), nats?.cleanup(), upstream?.close()]);
});

const routerWith = (eventBuffer: number, eventConcurrency = 8) =>
  startRouter(
    { ...registry.ns.env, LYNX_NATS_URL: nats.url, LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens.operator, LYNX_ROUTER_MODELS: MODEL },
    { eventBuffer, eventConcurrency, eventPublishTimeoutMs: 1000, refreshMs: 60_000 },
    { authorization: `Bearer ${registry.tokens.reader}` },
  );

const stored = async () => (await readEvents(registry.ns, SUBJECTS.inferenceCompleted, nats.url)).filter((e) => e.data.model === MODEL);

/** `n` requests, 8 at a time; every one must be answered 200. */
async function load(router: RouterFixture, n: number, tag: string): Promise<void> {
  for (let i = 0; i < n; i += 8) {
    const batch = await Promise.all(Array.from({ length: Math.min(8, n - i) }, (_, k) => router.post('/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: `${tag} ${i + k}` }] })));
    expect(batch.map((r) => r.status).every((s) => s === 200)).toBe(true);
  }
}

it('loses no event while NATS is down and the buffer has room, and stores each once', async () => {
  // Many publishes in flight (as the router's default 256), so each waiting event is tried again
  // and again while NATS is down: an attempt limit would drop them as `failed`.
  const router = await routerWith(10_000, 64);
  try {
    await load(router, 20, 'before');
    expect(await router.events.flush(10_000)).toBe(true);
    await nats.kill();
    await load(router, 100, 'during');
    // Down for several publish timeouts (1 s each here): the probe's outage was 22 s.
    await new Promise((r) => setTimeout(r, 8000));
    await nats.restart();
    await load(router, 20, 'after');
    expect(await router.events.flush(60_000)).toBe(true);
    const events = await stored();
    const figures = {
      answered: 140,
      published: await router.metric('lynx_router_events_published_total'),
      dropped: await router.metric('lynx_router_events_dropped_total'),
      stored: events.length,
      distinct: new Set(events.map((e) => e.data.event_id)).size,
    };
    process.stdout.write(`chaos: NATS down with room in the buffer: ${JSON.stringify(figures)}\n`);
    expect(figures).toEqual({ answered: 140, published: 140, dropped: 0, stored: 140, distinct: 140 });
  } finally {
    await router.close();
  }
});

it('counts exactly what it drops when the buffer overflows', async () => {
  const before = (await stored()).length;
  const router = await routerWith(50);
  try {
    await nats.kill();
    await load(router, 200, 'overflow');
    await nats.restart();
    expect(await router.events.flush(60_000)).toBe(true);
    const events = (await stored()).length - before;
    const dropped = await router.metric('lynx_router_events_dropped_total');
    const overflow = await router.metric('lynx_router_events_dropped_total', { reason: 'overflow' });
    process.stdout.write(`chaos: NATS down, buffer 50: ${JSON.stringify({ answered: 200, stored: events, dropped })}\n`);
    expect(dropped).toBeGreaterThan(0);
    expect(overflow).toBe(dropped);
    expect(events + dropped).toBe(200);
  } finally {
    await router.close();
  }
});
