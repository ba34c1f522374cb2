import { connect, JSONCodec, type NatsConnection, type Subscription } from 'nats';
import { uniqueName } from '@lynx/platform/testing';
import { SERVED_DIGESTS_MAX, servedResponseSchema } from '@lynx/schema';
import { sha, startRegistry, type RegistryFixture } from './registry.fixture';

const codec = JSONCodec();

async function nextEvents(sub: Subscription, n: number): Promise<any[]> {
  const out: any[] = [];
  for await (const m of sub) {
    out.push(codec.decode(m.data));
    if (out.length === n) break;
  }
  return out;
}

describe('registry HTTP: aliases, promotion, rollback, audit, events', () => {
  let r: RegistryFixture;
  let nc: NatsConnection;
  beforeAll(async () => {
    r = await startRegistry();
    nc = await connect({ servers: r.ns.env.LYNX_NATS_URL });
  });
  afterAll(async () => {
    await nc?.close();
    await r?.close();
  });

  async function verdict(model: string, digest: string, kind: 'gate' | 'bootstrap' = 'gate', passed = true) {
    const res = await r.inject({
      method: 'POST',
      url: `/v1/models/${model}/verdicts`,
      as: 'ci',
      payload: {
        kind, model, candidate_digest: digest, baseline_file_digest: sha('baseline'), eval_set_digest: sha('eval'),
        tolerance_pp: 0.02, passed, buckets: [], created_at: new Date().toISOString(),
      },
    });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  }

  it('promotes with verdicts, publishes events, rolls back and keeps history and audit', async () => {
    const model = uniqueName('pro');
    const sub = nc.subscribe(r.ns.names.subject('lynx.registry.>'));
    const a = (await r.push(model, { 'w.bin': 'a' })).body.digest;
    const b = (await r.push(model, { 'w.bin': 'b' })).body.digest;
    const promote = (digest: string, semver: string, as: 'ci' | 'trainer' | 'operator', verdict_id?: string) =>
      r.inject({ method: 'POST', url: `/v1/models/${model}/promote`, as, payload: { digest, semver, reason: 'release', ...(verdict_id ? { verdict_id } : {}) } });

    expect((await promote(a, 'v1.0.0', 'ci')).json().error.code).toBe('verdict_required');
    expect((await promote(a, 'v1.0.0', 'operator')).statusCode).toBe(403);
    const boot = await verdict(model, a, 'bootstrap');
    const first = await promote(a, 'v1.0.0', 'ci', boot);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ digest: a, semver: 'v1.0.0', move: { from_digest: null, to_digest: a, verdict_id: boot } });
    expect((await promote(b, 'v1.1.0', 'ci', await verdict(model, b, 'bootstrap'))).json().error.code).toBe('verdict_required');
    expect((await promote(b, 'v1.1.0', 'ci', await verdict(model, b, 'gate', false))).json().error.code).toBe('verdict_not_passing');
    expect((await promote(b, 'v1.1.0', 'ci', await verdict(model, b))).statusCode).toBe(200);

    const moved = await r.inject({ method: 'PUT', url: `/v1/models/${model}/aliases/production`, as: 'operator', payload: { digest: a, reason: 'r' } });
    expect(moved.json().error.code).toBe('protected_alias');
    const staging = await r.inject({ method: 'PUT', url: `/v1/models/${model}/aliases/staging`, as: 'operator', payload: { digest: a, expected_digest: null, reason: 'try a' } });
    expect(staging.statusCode).toBe(200);
    const cas = await r.inject({ method: 'PUT', url: `/v1/models/${model}/aliases/staging`, as: 'operator', payload: { digest: b, expected_digest: b, reason: 'r' } });
    expect(cas.statusCode).toBe(409);
    expect(cas.json().error.code).toBe('alias_conflict');
    expect((await r.inject({ method: 'PUT', url: `/v1/models/${model}/aliases/staging`, as: 'trainer', payload: { digest: b, reason: 'r' } })).statusCode).toBe(403);

    expect((await r.inject({ method: 'POST', url: `/v1/models/${model}/rollback`, as: 'trainer', payload: { reason: 'r' } })).statusCode).toBe(403);
    const back = await r.inject({ method: 'POST', url: `/v1/models/${model}/rollback`, as: 'operator', payload: { reason: 'errors up' } });
    expect(back.json()).toMatchObject({ digest: a, move: { kind: 'rollback', from_digest: b, to_digest: a, role: 'operator' } });
    const never = await r.inject({ method: 'POST', url: `/v1/models/${model}/rollback`, as: 'operator', payload: { to: 'staging', reason: 'r' } });
    expect(never.json().error.code).toBe('rollback_target_invalid');

    const lean = await r.inject({ method: 'GET', url: `/v1/models/${model}/aliases/production`, as: 'reader' });
    expect(lean.statusCode).toBe(200);
    expect(lean.json()).toMatchObject({ digest: a, semver: 'v1.0.0', status: 'production', aliases: expect.arrayContaining(['production', 'staging']) });
    expect(lean.json()).not.toHaveProperty('evaluations');
    expect((await r.inject({ method: 'GET', url: `/v1/models/${model}/aliases/nightly`, as: 'reader' })).json().error.code).toBe('alias_not_found');
    const notAlias = await r.inject({ method: 'GET', url: `/v1/models/${model}/aliases/v1.0.0`, as: 'reader' });
    expect([notAlias.statusCode, notAlias.json().error.code]).toEqual([400, 'validation_failed']);
    const noModel = await r.inject({ method: 'GET', url: `/v1/models/${uniqueName('none')}/aliases/production`, as: 'reader' });
    expect([noModel.statusCode, noModel.json().error.code]).toEqual([404, 'model_not_found']);
    const history = (await r.inject({ method: 'GET', url: `/v1/models/${model}/aliases/production/history`, as: 'reader' })).json();
    expect(history.moves.map((m: any) => [m.kind, m.to_digest, m.actor, m.role])).toEqual([
      ['promote', a, 'ci-user', 'ci'],
      ['promote', b, 'ci-user', 'ci'],
      ['rollback', a, 'operator-user', 'operator'],
    ]);
    const audit = (await r.inject({ method: 'GET', url: `/v1/audit?model=${model}`, as: 'reader' })).json().entries;
    expect(audit.map((e: any) => e.action)).toEqual([
      'rollback', 'alias.moved', 'promote', 'verdict.passed', 'verdict.refused', 'verdict.passed', 'promote', 'verdict.passed', 'version.registered', 'version.registered',
    ]);

    const events = await nextEvents(sub, 10);
    expect(events.map((e) => e.type)).toEqual([
      'version.registered', 'version.registered', 'verdict.recorded', 'promoted', 'verdict.recorded', 'verdict.recorded', 'verdict.recorded', 'promoted', 'alias.moved', 'rolled_back',
    ]);
    expect(events[3]).toMatchObject({ model, alias: 'production', from: null, to: a, semver: 'v1.0.0', actor: 'ci-user', role: 'ci' });
  });

  it('serializes 20 concurrent promotions and 20 concurrent pushes of one bundle', async () => {
    const model = uniqueName('race');
    const digests: string[] = [];
    for (let i = 0; i < 20; i++) digests.push((await r.push(model, { 'w.bin': `v${i}` })).body.digest);
    const results = await Promise.all(
      digests.map((digest, i) =>
        r.inject({ method: 'POST', url: `/v1/models/${model}/promote`, as: 'trainer', payload: { digest, semver: `v0.1.${i}-dev`, reason: `p${i}` } }),
      ),
    );
    expect(results.map((x) => x.statusCode)).toEqual(Array(20).fill(200));
    const moves = (await r.inject({ method: 'GET', url: `/v1/models/${model}/aliases/production/history` })).json().moves;
    expect(moves).toHaveLength(20);
    moves.forEach((m: any, i: number) => expect(m.from_digest).toBe(i === 0 ? null : moves[i - 1].to_digest));
    expect(new Set(moves.map((m: any) => m.to_digest)).size).toBe(20);

    const same = uniqueName('same');
    const pushes = await Promise.all(Array.from({ length: 20 }, () => r.push(same, { 'w.bin': 'identical', 'c.json': '{}' })));
    expect(pushes.filter((p) => p.status === 201)).toHaveLength(1);
    expect(pushes.filter((p) => p.status === 200)).toHaveLength(19);
    expect((await r.inject({ method: 'GET', url: `/v1/models/${same}/versions` })).json().items).toHaveLength(1);
  });

  it('stores usage idempotently and lists what served', async () => {
    const model = uniqueName('use');
    const digest = (await r.push(model, { 'w.bin': 'u' })).body.digest;
    const rollup = {
      rollup_id: `${model}-w1`, role: 'primary', window_start: '2025-01-01T00:00:00Z', window_end: '2025-01-01T00:01:00Z',
      first_served_at: '2025-01-01T00:00:05Z', last_served_at: '2025-01-01T00:00:55Z', requests: 10, prompt_tokens: 600, completion_tokens: 400, cost_usd: 0.02,
    };
    const post = () => r.inject({ method: 'POST', url: `/v1/models/${model}/versions/${digest}/usage`, as: 'operator', payload: rollup });
    expect((await post()).statusCode).toBe(201);
    expect((await post()).statusCode).toBe(200);
    expect((await r.inject({ method: 'POST', url: `/v1/models/${model}/versions/${digest}/usage`, as: 'trainer', payload: rollup })).statusCode).toBe(403);
    const served = servedResponseSchema.parse((await r.inject({ method: 'GET', url: `/v1/models/${model}/served` })).json());
    expect(served.versions).toEqual([
      expect.objectContaining({ digest, requests: 10, tokens: 1000, first_served: '2025-01-01T00:00:05.000Z', cost_per_1k_tokens: 0.02 }),
    ]);
    expect((await r.inject({ method: 'GET', url: '/v1/models/ghost/served' })).statusCode).toBe(404);
  });

  it('pages served over HTTP by cursor: every version once, newest served first', async () => {
    const model = uniqueName('page');
    const digests: string[] = [];
    for (let i = 0; i < 5; i++) {
      const digest = (await r.push(model, { 'w.bin': `page-${i}` })).body.digest;
      digests.push(digest);
      const at = `2025-01-0${1 + i}T00:00:00Z`;
      const rollup = { rollup_id: `${model}-${i}`, role: 'primary', window_start: at, window_end: at, first_served_at: at, last_served_at: at, requests: 1, prompt_tokens: 1, completion_tokens: 1, cost_usd: 0 };
      expect((await r.inject({ method: 'POST', url: `/v1/models/${model}/versions/${digest}/usage`, as: 'operator', payload: rollup })).statusCode).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const res = await r.inject({ method: 'GET', url: `/v1/models/${model}/served?limit=2${q}` });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.versions.length).toBeLessThanOrEqual(2);
      seen.push(...body.versions.map((v: { digest: string }) => v.digest));
      cursor = body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...digests].reverse());
    expect((await r.inject({ method: 'GET', url: `/v1/models/${model}/served` })).json()).toMatchObject({ model, next_cursor: null });
    for (const q of ['limit=0', 'limit=1001', 'limit=two', 'cursor=nope']) {
      const bad = await r.inject({ method: 'GET', url: `/v1/models/${model}/served?${q}` });
      expect([q, bad.statusCode, bad.json().error.code]).toEqual([q, 400, 'validation_failed']);
    }
  });

  it('answers the serving of a list of digests only, bounded, for readers', async () => {
    const model = uniqueName('bydig');
    const digests: string[] = [];
    for (let i = 0; i < 4; i++) {
      const digest = (await r.push(model, { 'w.bin': `bydig-${i}` })).body.digest;
      digests.push(digest);
      if (i === 3) continue; // never served
      const at = `2025-02-0${1 + i}T00:00:00Z`;
      const rollup = { rollup_id: `${model}-${i}`, role: 'primary', window_start: at, window_end: at, first_served_at: at, last_served_at: at, requests: i + 1, prompt_tokens: 1, completion_tokens: 1, cost_usd: 0 };
      expect((await r.inject({ method: 'POST', url: `/v1/models/${model}/versions/${digest}/usage`, as: 'operator', payload: rollup })).statusCode).toBe(201);
    }
    const q = (list: string[]) => list.map((d) => `digest=${encodeURIComponent(d)}`).join('&');
    const res = await r.inject({ method: 'GET', url: `/v1/models/${model}/served?${q([digests[0], digests[2], digests[3]])}`, as: 'reader' });
    expect(res.statusCode).toBe(200);
    const body = servedResponseSchema.parse(res.json());
    // Most recently served first; the one that never served is absent.
    expect(body.versions.map((v) => [v.digest, v.requests])).toEqual([[digests[2], 3], [digests[0], 1]]);
    expect(body.next_cursor).toBeNull();
    const one = (await r.inject({ method: 'GET', url: `/v1/models/${model}/served?digest=${encodeURIComponent(digests[1])}` })).json();
    expect(one.versions.map((v: { digest: string }) => v.digest)).toEqual([digests[1]]);

    const many = Array.from({ length: SERVED_DIGESTS_MAX + 1 }, (_, i) => sha(`many-${i}`));
    const tooMany = await r.inject({ method: 'GET', url: `/v1/models/${model}/served?${q(many)}` });
    expect([tooMany.statusCode, tooMany.json().error.code]).toEqual([400, 'too_many_digests']);
    expect((await r.inject({ method: 'GET', url: `/v1/models/${model}/served?${q(many.slice(1))}` })).json().versions).toEqual([]);
    for (const bad of ['digest=sha256:abc', `${q([digests[0]])}&limit=5`, `${q([digests[0]])}&cursor=x`]) {
      const res = await r.inject({ method: 'GET', url: `/v1/models/${model}/served?${bad}` });
      expect([bad, res.statusCode, res.json().error.code]).toEqual([bad, 400, 'validation_failed']);
    }
    expect((await r.inject({ method: 'GET', url: `/v1/models/ghost/served?${q([digests[0]])}` })).statusCode).toBe(404);
  });

  it('stores traffic plans whose refs resolve, for operators', async () => {
    const model = uniqueName('tr');
    const digest = (await r.push(model, { 'w.bin': 't' })).body.digest;
    expect((await r.inject({ method: 'GET', url: `/v1/traffic/${model}` })).json()).toMatchObject({ revision: 0, plan: { strategy: 'single' } });
    const put = (plan: unknown, as: 'operator' | 'trainer' = 'operator') => r.inject({ method: 'PUT', url: `/v1/traffic/${model}`, as, payload: { plan, reason: 'test' } });
    expect((await put({ strategy: 'shadow', primary: digest, shadow: digest, percent: 10 }, 'trainer')).statusCode).toBe(403);
    const unknown = await put({ strategy: 'shadow', primary: digest, shadow: 'nightly', percent: 10 });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details.refs[0]).toMatchObject({ ref: 'nightly', code: 'alias_not_found' });
    expect((await put({ strategy: 'shadow', primary: digest, shadow: digest, percent: 120 })).statusCode).toBe(400);
    const ok = await put({ strategy: 'shadow', primary: digest, shadow: digest, percent: 10 });
    expect(ok.json()).toMatchObject({ revision: 1, plan: { percent: 10 }, updated_by: 'operator-user' });
    expect((await r.inject({ method: 'GET', url: `/v1/traffic/${model}/history` })).json().changes).toHaveLength(1);
  });
});
