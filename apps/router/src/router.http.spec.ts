// The router's mechanics against the real registry (own process, PGlite), real NATS/JetStream and
// small real HTTP upstreams: headers, events, bad input, plan changes, fallback, breaker, streaming.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { recordPassingVerdict, startRegistryChild, type RegistryChild } from '@lynx/platform/testing';
import { inferenceEventSchema, feedbackEventSchema, SUBJECTS, type Role } from '@lynx/schema';
import { startFakeUpstream, type FakeUpstream } from './testing/fake-upstream';
import { readEvents } from './testing/jetstream';
import { startRouter, type RouterFixture } from './testing/router-fixture';
import { REPO_ROOT } from './testing/spawn-app';
import { registerUpstreamVersion } from './testing/upstream-version';

jest.setTimeout(90_000);

const MODEL = 'grammar-tutor';
let registry: RegistryChild;
let a: FakeUpstream;
let b: FakeUpstream;
let router: RouterFixture;
let digestA: string;
let digestB: string;
const auth = (role: Role) => ({ authorization: `Bearer ${registry.tokens[role]}` });
const chat = (content: string, extra: Record<string, unknown> = {}) => ({ model: MODEL, messages: [{ role: 'user', content }], ...extra });

async function putPlan(plan: unknown, as: Role = 'operator') {
  const res = await fetch(`${router.url}/v1/traffic/${MODEL}`, { method: 'PUT', headers: { 'content-type': 'application/json', ...auth(as) }, body: JSON.stringify({ plan, reason: 'test' }) });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  [registry, a, b] = await Promise.all([startRegistryChild({ prefix: 'rtr' }), startFakeUpstream('A'), startFakeUpstream('B')]);
  digestA = await registerUpstreamVersion(registry, MODEL, { 'upstream.base_url': a.baseUrl, 'upstream.model': 'base' });
  digestB = await registerUpstreamVersion(registry, MODEL, { 'upstream.base_url': b.baseUrl, 'upstream.model': 'lora' });
  const promoted = await registry.call('POST', `/v1/models/${MODEL}/promote`, { digest: digestA, semver: 'v0.1.0-dev.1', reason: 'first' }, 'trainer');
  expect(promoted.status).toBeLessThan(300);
  expect((await registry.call('PUT', `/v1/models/${MODEL}/aliases/candidate`, { digest: digestB, reason: 'try' }, 'operator')).status).toBeLessThan(300);
  await recordPassingVerdict(registry, MODEL, digestB); // the candidate serves users in canary and blue/green plans
  router = await startRouter(
    { ...registry.ns.env, LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens.operator, LYNX_ROUTER_MODELS: MODEL },
    { bodyLimit: 4096, breakerFailures: 3, breakerCooldownMs: 60_000, upstreamTimeoutMs: 1500, refreshMs: 60_000 },
    auth('reader'),
  );
});

afterAll(async () => {
  await router?.close();
  await Promise.all([registry?.stop(), a?.close(), b?.close()]);
});

describe('router', () => {
  it('serves production with no stored plan, with the Lynx headers, and publishes one event per request', async () => {
    const res = await router.post('/v1/chat/completions', chat('he goed home', { user: 'learner-1' }));
    expect(res.status).toBe(200);
    expect(res.body.choices[0].message.content).toBe('A:base: he goed home');
    expect(res.headers.get('x-lynx-digest')).toBe(digestA);
    expect(res.headers.get('x-lynx-arm')).toBe('production');
    const requestId = res.headers.get('x-lynx-request-id')!;
    expect(await router.events.flush()).toBe(true);
    const events = (await readEvents(registry.ns, SUBJECTS.inferenceCompleted)).filter((e) => e.data.request_id === requestId);
    expect(events).toHaveLength(1);
    const e = inferenceEventSchema.parse(events[0].data);
    expect(events[0].msgId).toBe(e.event_id);
    expect(e).toMatchObject({ model: MODEL, digest: digestA, arm: 'production', role: 'primary', input: 'he goed home', output: 'A:base: he goed home', status: 'ok' });
    expect(e.usage).toEqual({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    expect(e.user_hash).toMatch(/^[0-9a-f]{32}$/);
    expect(e.user_hash).not.toContain('learner');
  });

  it('lists logical models and answers bad input in OpenAI shape', async () => {
    const models: any = await (await fetch(`${router.url}/v1/models`, { headers: auth('reader') })).json();
    expect(models.data.map((m: { id: string }) => m.id)).toEqual([MODEL]);
    const unknown = await router.post('/v1/chat/completions', { ...chat('x'), model: 'nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'model_not_found', type: 'invalid_request_error' });
    expect(unknown.headers.get('x-lynx-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const malformed = await router.post('/v1/chat/completions', '{"model": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('bad_request');
    const big = await router.post('/v1/chat/completions', chat('x'.repeat(5000)));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    expect(big.headers.get('x-lynx-request-id')).toBeTruthy();
    const noMessages = await router.post('/v1/chat/completions', { model: MODEL });
    expect(noMessages.status).toBe(400);
    expect(noMessages.body.error.param).toBe('messages');
  });

  it('answers body and token errors of the completion routes in OpenAI shape', async () => {
    const plain = await router.post('/v1/chat/completions', JSON.stringify(chat('x')), { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(plain.body.error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_media_type', param: null });
    const proto = await router.post('/v1/completions', `{"model":"${MODEL}","prompt":"x","__proto__":{"x":1}}`);
    expect(proto.status).toBe(400);
    expect(proto.body.error).toMatchObject({ type: 'invalid_request_error', code: 'bad_request' });
    const noToken = await fetch(`${router.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(chat('x')) });
    expect(noToken.status).toBe(401);
    expect(((await noToken.json()) as any).error).toMatchObject({ type: 'authentication_error', code: 'unauthorized' });
    const badToken = await router.post('/v1/completions', { model: MODEL, prompt: 'x' }, { authorization: 'Bearer not-a-token' });
    expect(badToken.status).toBe(401);
    expect(badToken.body.error).toMatchObject({ type: 'authentication_error', code: 'unauthorized' });
    // The caller's request id, when it is a sane token, is the one its error answer carries.
    const traced = await router.post('/v1/completions', { model: 'nope', prompt: 'x' }, { 'x-lynx-request-id': 'trace-42' });
    expect([traced.status, traced.headers.get('x-lynx-request-id')]).toEqual([404, 'trace-42']);
  });

  it('refuses bad plans and plan changes without the role, leaving the running plan as it was', async () => {
    const before = router.plans.get(MODEL)!;
    const noToken = await fetch(`${router.url}/v1/traffic/${MODEL}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ plan: { strategy: 'single' } }) });
    expect(noToken.status).toBe(401);
    expect((await putPlan({ strategy: 'single' }, 'reader')).status).toBe(403);
    const zero = await putPlan({ strategy: 'ab', arms: [{ ref: digestA, weight: 0 }, { ref: 'candidate', weight: 0 }] });
    expect(zero.status).toBe(400);
    expect(zero.body.error.code).toBe('validation_failed');
    expect((await putPlan({ strategy: 'shadow', primary: digestA, shadow: 'candidate', percent: 101 })).status).toBe(400);
    const ghost = await putPlan({ strategy: 'canary', stable: 'production', canary: 'ghost-alias', weight: 5 });
    expect(ghost.status).toBe(400);
    expect(ghost.body.error.message).toContain('ghost-alias');
    expect(router.plans.get(MODEL)).toBe(before);
    const stored = await registry.call('GET', `/v1/traffic/${MODEL}`);
    expect(stored.body.revision).toBe(before.revision);
  });

  it('applies a plan stored in the registry from its event within a second', async () => {
    const next = router.nextPlan(MODEL);
    const t0 = Date.now();
    const res = await registry.call('PUT', `/v1/traffic/${MODEL}`, { plan: { strategy: 'bluegreen', active: 'production', preview: 'candidate' }, reason: 'direct' }, 'operator');
    expect(res.status).toBe(200);
    const plan = await next;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(plan.revision).toBe(res.body.revision);
    const preview = await router.post('/v1/chat/completions', chat('x'), { 'x-lynx-arm': 'preview' });
    expect(preview.headers.get('x-lynx-arm')).toBe('preview');
    expect(preview.headers.get('x-lynx-digest')).toBe(digestB);
    const active = await router.post('/v1/chat/completions', chat('x'));
    expect(active.headers.get('x-lynx-digest')).toBe(digestA);
  });

  it('follows an alias move: the plan re-resolves the ref', async () => {
    expect((await putPlan({ strategy: 'single', ref: 'candidate' })).status).toBe(200);
    expect(router.plans.get(MODEL)!.stable.digest).toBe(digestB);
    const next = router.nextPlan(MODEL, (p) => p.stable.digest === digestA);
    await registry.call('PUT', `/v1/models/${MODEL}/aliases/candidate`, { digest: digestA, reason: 'move back' }, 'operator');
    expect((await next).stable.digest).toBe(digestA);
    const back = router.nextPlan(MODEL, (p) => p.stable.digest === digestB);
    await registry.call('PUT', `/v1/models/${MODEL}/aliases/candidate`, { digest: digestB, reason: 'again' }, 'operator');
    await back;
  });

  it('streams chunk by chunk and records the streamed text and usage', async () => {
    expect((await putPlan({ strategy: 'single' })).status).toBe(200);
    a.delayMs = 20;
    const res = await fetch(`${router.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth('reader') },
      body: JSON.stringify(chat('she runned fast', { stream: true, stream_options: { include_usage: true } })),
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const arrivals: number[] = [];
    let text = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      arrivals.push(Date.now());
      text += Buffer.from(chunk).toString();
    }
    a.delayMs = 0;
    // The upstream pauses 20 ms between words: passed through, they arrive spread out, not in one piece.
    expect(arrivals.length).toBeGreaterThan(2);
    expect(arrivals.at(-1)! - arrivals[0]).toBeGreaterThanOrEqual(40);
    expect(text).toContain('data: [DONE]');
    await router.events.flush();
    const id = res.headers.get('x-lynx-request-id');
    const e = (await readEvents(registry.ns, SUBJECTS.inferenceCompleted)).find((x) => x.data.request_id === id)!.data;
    expect(e.output).toBe('A:base: she runned fast');
    expect(e.usage.prompt_tokens).toBe(3);
    expect(e.usage_estimated).toBeUndefined();
  });

  it('serves a failing canary from the stable arm, opens the circuit, and answers 502/504 when nothing can', async () => {
    expect((await putPlan({ strategy: 'canary', stable: 'production', canary: 'candidate', weight: 100 })).status).toBe(200);
    b.fail = 500;
    const before = b.total();
    for (let i = 0; i < 6; i++) {
      const res = await router.post('/v1/chat/completions', chat(`n${i}`));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-lynx-arm')).toBe('stable');
    }
    expect(b.total() - before).toBe(3); // breakerFailures = 3: then the circuit stays open
    expect(await router.metric('lynx_router_fallback_total', { from_arm: 'canary', to_arm: 'stable' })).toBe(6);
    expect(await router.metric('lynx_router_circuit_open', { upstream: b.baseUrl })).toBe(1);
    a.fail = 503;
    const down = await router.post('/v1/chat/completions', chat('x'));
    expect(down.status).toBe(502);
    expect(down.body.error).toMatchObject({ code: 'upstream_unavailable', type: 'server_error' });
    expect(down.headers.get('x-lynx-request-id')).toBeTruthy();
    a.fail = undefined;
    b.fail = undefined;
    expect((await putPlan({ strategy: 'single' })).status).toBe(200);
    a.fail = 'hang';
    const slow = await router.post('/v1/completions', { model: MODEL, prompt: 'x' });
    a.fail = undefined;
    expect(slow.status).toBe(504);
    expect(slow.body.error.code).toBe('upstream_timeout');
  });

  it('publishes feedback naming the digest and arm that answered', async () => {
    const res = await router.post('/v1/chat/completions', chat('I has a cat'));
    const requestId = res.headers.get('x-lynx-request-id')!;
    const fb = await router.post('/v1/feedback', { request_id: requestId, accepted: false, correction: 'I have a cat' });
    expect(fb.status).toBe(202);
    const bad = await router.post('/v1/feedback', { request_id: requestId });
    expect(bad.status).toBe(400);
    const unknown = await router.post('/v1/feedback', { request_id: 'never-answered', accepted: true });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'request_not_found']);
    await router.events.flush();
    const e = (await readEvents(registry.ns, SUBJECTS.inferenceFeedback)).find((x) => x.data.request_id === requestId)!;
    expect(feedbackEventSchema.parse(e.data)).toMatchObject({ accepted: false, correction: 'I have a cat', digest: res.headers.get('x-lynx-digest'), model: MODEL });
    expect(e.msgId).toBe(e.data.event_id);
  });
});

/** Runs the real CLI (async: the router answering it lives in this process). */
function lynx(args: string[], token: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(REPO_ROOT, 'tools/bin/lynx.js'), ...args], { cwd: REPO_ROOT, env: { ...process.env, LYNX_ROUTER_URL: router.url, LYNX_TOKEN: token } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('lynx traffic', () => {
  it('sets a canary plan and shows it; refuses an unknown ref with the ref named', async () => {
    const set = await lynx(['traffic', 'set', MODEL, '--strategy', 'canary', '--stable', 'production', '--canary', 'candidate', '--weight', '25', '--reason', 'cli'], registry.tokens.operator);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(router.plans.get(MODEL)!.plan).toEqual({ strategy: 'canary', stable: 'production', canary: 'candidate', weight: 25 });
    const show = await lynx(['traffic', 'show', MODEL], registry.tokens.reader);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/strategy canary/);
    expect(show.stdout).toMatch(new RegExp(`^canary\\s+canary\\s+candidate\\s+${digestB.slice(0, 19)}\\s+-\\s+25\\s`, 'm'));
    const bad = await lynx(['traffic', 'set', MODEL, '--strategy', 'single', '--ref', 'no-such-alias'], registry.tokens.operator);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/validation_failed: .*no-such-alias/);
    const weak = await lynx(['traffic', 'set', MODEL, '--strategy', 'single'], registry.tokens.reader);
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/forbidden/);
  });
});
