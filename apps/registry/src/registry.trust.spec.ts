import { randomUUID } from 'node:crypto';
import { startTestOidcIssuer, uniqueName, type TestOidcIssuer } from '@lynx/platform/testing';
import { sha, startRegistry, TOKENS, type RegistryFixture } from './registry.fixture';
import { BASE, BUCKETS, REGRESSED } from './store/baseline-verdict.contract';

// The deploy gate's trust over HTTP, as a hostile user would try it: LYNX_ENV=prod, CI identity by
// OIDC (a local issuer), long-lived ci tokens explicitly allowed so that a fabricated verdict reaches
// the registry's own checks. Run on the embedded database and on the machine's PostgreSQL.
const PG_URL = process.env.LYNX_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BACKENDS: Array<[string, () => [Record<string, string>, string | undefined]]> = [
  ['PGlite', () => [{}, undefined]],
  ['PostgreSQL', () => [{ LYNX_DATABASE_URL: PG_URL }, `lynx_trust_${randomUUID().replace(/-/g, '').slice(0, 12)}`]],
];
const EVAL = sha('trust-eval-set');
// A new embedded database is created by a child process: slow when the machine is busy.
jest.setTimeout(120_000);

describe.each(BACKENDS)('registry trust on %s (LYNX_ENV=prod)', (_name, backend) => {
  let r: RegistryFixture;
  let issuer: TestOidcIssuer;
  let oidc: string;
  const model = uniqueName('trust');
  const d: Record<string, string> = {};

  beforeAll(async () => {
    issuer = await startTestOidcIssuer();
    const [env, schema] = backend();
    r = await startRegistry({ LYNX_ENV: 'prod', LYNX_ALLOW_CI_TOKENS: 'true', ...issuer.env, ...env }, undefined, schema);
    oidc = await issuer.sign(issuer.claims());
    for (const v of ['base', 'regressed', 'good']) d[v] = (await r.push(model, { 'w.bin': `${model}-${v}` })).body.digest;
  });
  afterAll(async () => {
    await r?.close();
    await issuer?.close();
  });

  /** A request with a tokens-file role, or with the workflow's OIDC token (`oidc`). */
  const call = (method: 'GET' | 'POST', url: string, who: keyof typeof TOKENS | 'oidc', payload?: unknown) =>
    r.inject({ method, url, as: null, headers: { authorization: `Bearer ${who === 'oidc' ? oidc : TOKENS[who]}` }, ...(payload ? { payload } : {}) });
  const verdictBody = (digest: string, extra: Record<string, unknown> = {}) => ({
    kind: 'gate', model, candidate_digest: digest, baseline_file_digest: sha('file'), eval_set_digest: EVAL, tolerance_pp: 0.05,
    passed: true, buckets: [], created_at: new Date().toISOString(), ...extra,
  });
  const production = async () => (await call('GET', `/v1/models/${model}/versions/production`, 'reader')).json().digest;
  const promote = (digest: string, semver: string, verdict_id: string, who: 'oidc' | 'ci' | 'gate' = 'oidc') =>
    call('POST', `/v1/models/${model}/promote`, who, { digest, semver, verdict_id, reason: 'release' });

  it('refuses every hostile OIDC token with 401 and its code, and maps the deploy workflow to ci', async () => {
    for (const h of await issuer.hostile()) {
      const res = await r.inject({ method: 'GET', url: '/v1/models', as: null, headers: { authorization: `Bearer ${h.token}` } });
      expect([h.name, res.statusCode, res.json().error.code]).toEqual([h.name, 401, h.code]);
    }
    const boot = await call('POST', `/v1/models/${model}/verdicts`, 'oidc', verdictBody(d.base, { kind: 'bootstrap', baseline_file_digest: null }));
    expect(boot.statusCode).toBe(201);
    expect(boot.json()).toMatchObject({ source: 'ci_oidc', created_by: 'oidc:lynx-org/lynx@4242' });
    expect((await promote(d.base, 'v1.0.0', boot.json().id)).statusCode).toBe(200);
    expect(await production()).toBe(d.base);
  });

  it('lets only ci or admin register the baseline, and keeps its history', async () => {
    const body = { eval_set_digest: EVAL, model_digest: d.base, tolerance: 0.05, alpha: 0.05, items: BASE, buckets: BUCKETS, reason: 'measured base' };
    for (const who of ['operator', 'gate'] as const) {
      const res = await call('POST', `/v1/models/${model}/baselines`, who, body);
      expect([who, res.statusCode, res.json().error.code]).toEqual([who, 403, 'forbidden']);
    }
    expect((await call('GET', `/v1/models/${model}/baselines`, 'reader')).json().baselines).toEqual([]);
    const created = await call('POST', `/v1/models/${model}/baselines`, 'oidc', body);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ previous_digest: null, role: 'ci', actor: 'oidc:lynx-org/lynx@4242', model_digest: d.base });
    expect((await call('POST', `/v1/models/${model}/baselines`, 'oidc', body)).statusCode).toBe(200);
    const current = (await call('GET', `/v1/models/${model}/baselines/current?items=true`, 'reader')).json();
    expect(current).toMatchObject({ digest: created.json().digest, items: expect.any(Array) });
    expect(current.items).toHaveLength(BASE.length);
    const bad = await call('POST', `/v1/models/${model}/baselines`, 'admin', { ...body, items: [...BASE, BASE[0]] });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'duplicate_eval_item']);
    expect((await call('GET', `/v1/models/${model}/baselines`, 'reader')).json().baselines).toHaveLength(1);
  });

  it('refuses the fabricated {"passed": true, "buckets": []} verdict and every variant of it; production stays', async () => {
    // As reported: a ci bearer token posts a bare passing verdict.
    const bare = await call('POST', `/v1/models/${model}/verdicts`, 'ci', verdictBody(d.regressed));
    expect([bare.statusCode, bare.json().error.code]).toEqual([400, 'validation_failed']);
    // With outcomes it made up: recorded as what it is, and refused as a promotion source.
    const madeUp = await call('POST', `/v1/models/${model}/verdicts`, 'ci', verdictBody(d.regressed, { items: BASE }));
    expect(madeUp.json()).toMatchObject({ source: 'ci_token', decision: { verdict: 'pass' } });
    const refused = await promote(d.regressed, 'v1.1.0', madeUp.json().id, 'ci');
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'verdict_untrusted_source']);
    // A bootstrap verdict once production exists.
    const boot = await call('POST', `/v1/models/${model}/verdicts`, 'oidc', verdictBody(d.regressed, { kind: 'bootstrap', baseline_file_digest: null }));
    expect((await promote(d.regressed, 'v1.1.0', boot.json().id)).json().error.code).toBe('verdict_required');
    // The gate's identity with edited numbers: the outcomes recompute to a fail.
    const tampered = await call('POST', `/v1/models/${model}/verdicts`, 'gate', verdictBody(d.regressed, { items: REGRESSED }));
    expect([tampered.statusCode, tampered.json().error.code]).toEqual([409, 'verdict_not_passing']);
    expect(tampered.json().error.details.buckets).toEqual([{ bucket: 'second', verdict: 'fail' }]);
    const unknown = await call('POST', `/v1/models/${model}/verdicts`, 'gate', verdictBody(d.regressed, { items: [...BASE.slice(1), { id: 'x-1', correct: true }] }));
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([409, 'unknown_eval_item']);
    const dup = await call('POST', `/v1/models/${model}/verdicts`, 'gate', verdictBody(d.regressed, { items: [...BASE, BASE[1]] }));
    expect([dup.statusCode, dup.json().error.code]).toEqual([400, 'duplicate_eval_item']);
    const otherSet = await call('POST', `/v1/models/${model}/verdicts`, 'gate', verdictBody(d.regressed, { items: BASE, eval_set_digest: sha('other') }));
    expect([otherSet.statusCode, otherSet.json().error.code]).toEqual([409, 'eval_set_mismatch']);
    // An operator may not vouch at all.
    expect((await call('POST', `/v1/models/${model}/verdicts`, 'operator', verdictBody(d.regressed, { items: BASE }))).statusCode).toBe(403);
    const kept = (await call('GET', `/v1/models/${model}/verdicts?digest=${d.regressed}`, 'reader')).json().verdicts;
    expect(kept.map((v: { source: string }) => v.source)).toEqual(['ci_token', 'ci_oidc']);
    expect(await production()).toBe(d.base);
  });

  it("promotes on the gate's verdict that recomputes to a pass, and not on one for another candidate", async () => {
    const current = (await call('GET', `/v1/models/${model}/baselines/current`, 'reader')).json();
    const v = await call('POST', `/v1/models/${model}/verdicts`, 'gate', verdictBody(d.good, { items: BASE, registered_baseline_digest: current.digest }));
    expect(v.json()).toMatchObject({ source: 'gate', registered_baseline_digest: current.digest, decision: { verdict: 'pass' } });
    const wrong = await promote(d.regressed, 'v1.1.0', v.json().id);
    expect([wrong.statusCode, wrong.json().error.code]).toEqual([409, 'digest_mismatch']);
    const ok = await promote(d.good, 'v1.1.0', v.json().id);
    expect(ok.statusCode).toBe(200);
    expect(await production()).toBe(d.good);
    const audit = (await call('GET', `/v1/audit?model=${model}`, 'reader')).json().entries;
    expect(audit[0]).toMatchObject({ action: 'promote', role: 'ci', after: { verdict_id: v.json().id } });
  });
});
