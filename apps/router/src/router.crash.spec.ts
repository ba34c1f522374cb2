// kill -9 of the router mid-load and a restart: every event it had published is stored once
// (events still in its memory buffer at the kill are gone, and never half-stored), no event is
// stored twice, and the restarted router serves the same plan.
import { spawnLynxApp, startRegistryChild, type LynxAppProcess, type RegistryChild } from '@lynx/platform/testing';
import { SUBJECTS } from '@lynx/schema';
import { startFakeUpstream, type FakeUpstream } from './testing/fake-upstream';
import { readEvents } from './testing/jetstream';
import { registerUpstreamVersion } from './testing/upstream-version';

jest.setTimeout(120_000);

const MODEL = 'grammar-tutor';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let registry: RegistryChild;
let a: FakeUpstream;
let router: LynxAppProcess | undefined;

beforeAll(async () => {
  [registry, a] = await Promise.all([startRegistryChild({ prefix: 'rtrk' }), startFakeUpstream('A')]);
  const digest = await registerUpstreamVersion(registry, MODEL, { 'upstream.base_url': a.baseUrl, 'upstream.model': 'base' });
  // A stored plan (revision 1), not the default that follows production.
  const plan = { strategy: 'single', ref: digest };
  const put = await registry.call('PUT', `/v1/traffic/${MODEL}`, { plan, reason: 'crash test' }, 'operator');
  expect(put.status).toBe(200);
});

afterAll(async () => {
  await router?.kill();
  await Promise.all([registry?.stop(), a?.close()]);
});

const start = () =>
  spawnLynxApp('router', { ...registry.ns.env, LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens.operator, LYNX_ROUTER_MODELS: MODEL });

const chat = (r: LynxAppProcess, content: string) =>
  fetch(`${r.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${registry.tokens.reader}` },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content }] }),
  });

/** The plan the router serves, once it has loaded one (it listens before its first load). */
async function plan(r: LynxAppProcess): Promise<Record<string, unknown>> {
  for (let i = 0; ; i++) {
    const res = await fetch(`${r.url}/v1/traffic/${MODEL}`, { headers: { authorization: `Bearer ${registry.tokens.operator}` } });
    if (res.status === 200 || i >= 200) {
      // When it loaded differs by nature; what it serves must not.
      const { loaded_at: _loadedAt, ...served } = (await res.json()) as Record<string, unknown>;
      return served;
    }
    await sleep(50);
  }
}

const published = async (r: LynxAppProcess) => {
  const text = await (await fetch(`${r.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('lynx_router_events_published_total'))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
};

/** How often each input was stored (events of this model only). */
async function storedInputs(): Promise<Map<string, number>> {
  const events = (await readEvents(registry.ns, SUBJECTS.inferenceCompleted)).filter((e) => e.data.model === MODEL);
  const out = new Map<string, number>();
  for (const e of events) out.set(e.data.input, (out.get(e.data.input) ?? 0) + 1);
  return out;
}

async function load(r: LynxAppProcess, tag: string, n: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < n; i += 8) {
    const answers = await Promise.all(Array.from({ length: Math.min(8, n - i) }, (_, k) => chat(r, `${tag} ${i + k}`).then((res) => res.status, () => 0)));
    ok += answers.filter((s) => s === 200).length;
  }
  return ok;
}

it('stores each published event once across a SIGKILL and serves the same plan after restart', async () => {
  router = await start();
  const before = await plan(router);
  expect(before).toMatchObject({ revision: 1 });
  expect(await load(router, 'before', 40)).toBe(40);
  for (let i = 0; i < 200 && (await published(router)) < 40; i++) await sleep(50);
  expect(await published(router)).toBe(40);

  // Killed while requests are in flight.
  const during = load(router, 'during', 200);
  await sleep(300);
  await router.kill();
  const answeredDuring = await during;

  router = await start();
  expect(await plan(router)).toEqual(before);
  expect(await load(router, 'after', 16)).toBe(16);
  for (let i = 0; i < 200 && (await published(router)) < 16; i++) await sleep(50);

  const stored = await storedInputs();
  const count = (tag: string) => [...stored.entries()].filter(([k]) => k.startsWith(`${tag} `));
  const figures = {
    before: count('before').length,
    during: { answered: answeredDuring, stored: count('during').length },
    after: count('after').length,
    storedTwice: [...stored.values()].filter((n) => n > 1).length,
  };
  process.stdout.write(`chaos: router kill -9 mid-load: ${JSON.stringify(figures)}\n`);
  expect(figures.before).toBe(40);
  expect(figures.after).toBe(16);
  expect(figures.storedTwice).toBe(0);
  expect(figures.during.stored).toBeLessThanOrEqual(answeredDuring);
});
