import { connect, JSONCodec, type NatsConnection } from 'nats';
import { uniqueName } from '@lynx/platform/testing';
import { sha, startRegistry, type RegistryFixture } from './registry.fixture';

// Plans that put versions in front of users need passing gate verdicts; a rollback ends them.
jest.setTimeout(90_000);
const codec = JSONCodec();

describe('registry: serving arms need passing verdicts, and a rollback ends rollouts', () => {
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

  async function verdict(model: string, digest: string, passed = true): Promise<string> {
    const res = await r.inject({
      method: 'POST',
      url: `/v1/models/${model}/verdicts`,
      as: 'ci',
      payload: { kind: 'gate', model, candidate_digest: digest, baseline_file_digest: sha('baseline'), eval_set_digest: sha('eval'), tolerance_pp: 0.02, passed, buckets: [], created_at: new Date().toISOString() },
    });
    expect(res.statusCode).toBe(201);
    return res.json().id;
  }
  const promote = (model: string, digest: string, semver: string) => r.inject({ method: 'POST', url: `/v1/models/${model}/promote`, as: 'trainer', payload: { digest, semver, reason: 'setup' } });
  const put = (model: string, plan: unknown, as: 'operator' | 'admin' = 'operator', extra: Record<string, unknown> = {}) =>
    r.inject({ method: 'PUT', url: `/v1/traffic/${model}`, as, payload: { plan, reason: 'test', ...extra } });

  it('refuses canary, A/B and blue/green arms without a passing verdict (production counts), allows shadow, and audits an admin override', async () => {
    const model = uniqueName('arms');
    // d: production, passed, failed, no verdict
    const d: string[] = [];
    for (const name of ['prod', 'passed', 'failed', 'none']) d.push((await r.push(model, { 'w.bin': `${name}-${model}` })).body.digest);
    expect((await promote(model, d[0], 'v0.1.0-dev.1')).statusCode).toBe(200);
    await verdict(model, d[1]);
    await verdict(model, d[2], false);

    expect((await put(model, { strategy: 'canary', stable: 'production', canary: d[1], weight: 5 })).statusCode).toBe(200);
    const ab = await put(model, { strategy: 'ab', arms: [{ ref: d[1], weight: 1, name: 'new' }, { ref: d[2], weight: 1, name: 'failed' }, { ref: d[3], weight: 1, name: 'none' }] });
    expect(ab.statusCode).toBe(409);
    expect(ab.json().error).toMatchObject({ code: 'arm_without_passing_verdict', details: { arms: [{ arm: 'failed', digest: d[2] }, { arm: 'none', digest: d[3] }] } });
    const bg = await put(model, { strategy: 'bluegreen', active: 'production', preview: d[3] });
    expect(bg.json().error).toMatchObject({ code: 'arm_without_passing_verdict', details: { arms: [{ arm: 'preview' }] } });
    expect((await put(model, { strategy: 'shadow', primary: 'production', shadow: d[3], percent: 5 })).statusCode).toBe(200);

    const override = { override_verdicts: { reason: 'dark launch for the load test' } };
    expect((await put(model, { strategy: 'bluegreen', active: 'production', preview: d[3] }, 'operator', override)).json().error.code).toBe('forbidden');
    expect((await put(model, { strategy: 'bluegreen', active: 'production', preview: d[3] }, 'admin', override)).statusCode).toBe(200);
    const audit = (await r.inject({ method: 'GET', url: `/v1/audit?model=${model}` })).json().entries as Array<{ action: string; reason: string | null }>;
    const reasons = audit.filter((e) => e.action === 'traffic.changed').map((e) => e.reason ?? '');
    expect(reasons.filter((r) => /^test; verdict check overridden by admin-user \(admin\) for preview \(sha256:\w+\): dark launch for the load test$/.test(r))).toHaveLength(1);
  });

  it('a rollback turns a canary plan into single on the new production in its transaction, with history, audit and event', async () => {
    const model = uniqueName('rbk');
    const d: string[] = [];
    for (const name of ['v1', 'v2', 'cand']) d.push((await r.push(model, { 'w.bin': `${name}-${model}` })).body.digest);
    await promote(model, d[0], 'v0.1.0-dev.1');
    await promote(model, d[1], 'v0.2.0-dev.1');
    await verdict(model, d[2]);
    expect((await put(model, { strategy: 'canary', stable: 'production', canary: d[2], weight: 25 })).statusCode).toBe(200);
    const sub = nc.subscribe(r.ns.names.subject('lynx.registry.>'));
    const rb = await r.inject({ method: 'POST', url: `/v1/models/${model}/rollback`, as: 'operator', payload: { reason: 'bad answers' } });
    expect(rb.statusCode).toBe(200);
    expect(rb.json()).toMatchObject({ digest: d[0] });
    const plan = (await r.inject({ method: 'GET', url: `/v1/traffic/${model}` })).json();
    expect(plan).toMatchObject({ revision: 2, plan: { strategy: 'single' } });
    const history = (await r.inject({ method: 'GET', url: `/v1/traffic/${model}/history` })).json().changes;
    expect(history[1]).toMatchObject({ revision: 2, reason: 'rollback: the canary plan ends; production serves alone (bad answers)', role: 'operator' });
    const audit = (await r.inject({ method: 'GET', url: `/v1/audit?model=${model}` })).json().entries as Array<{ action: string }>;
    expect(audit.map((e) => e.action).filter((a) => a === 'rollback' || a === 'traffic.changed').slice(-2).sort()).toEqual(['rollback', 'traffic.changed']);
    const events: Array<{ type: string; reason?: string }> = [];
    for await (const m of sub) {
      events.push(codec.decode(m.data) as { type: string; reason?: string });
      if (events.some((e) => e.type === 'traffic.changed' && e.reason?.startsWith('rollback'))) break;
    }
    sub.unsubscribe();
    // The rollback's own event comes before the plan's.
    const types = events.map((e) => (e.type === 'traffic.changed' && e.reason?.startsWith('rollback') ? 'traffic.changed(rollback)' : e.type));
    expect(types).toContain('rolled_back');
    expect(types.indexOf('rolled_back')).toBeLessThan(types.indexOf('traffic.changed(rollback)'));

    // A single plan is left as it is.
    await promote(model, d[1], 'v0.2.0-dev.1');
    const before = (await r.inject({ method: 'GET', url: `/v1/traffic/${model}` })).json().revision;
    expect((await r.inject({ method: 'POST', url: `/v1/models/${model}/rollback`, as: 'operator', payload: { reason: 'again' } })).statusCode).toBe(200);
    expect((await r.inject({ method: 'GET', url: `/v1/traffic/${model}` })).json().revision).toBe(before);
  });
});
