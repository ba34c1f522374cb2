import { uniqueName } from '@lynx/platform/testing';
import { sha, startRegistry, type RegistryFixture } from './registry.fixture';

describe('registry HTTP: lineage', () => {
  let r: RegistryFixture;
  beforeAll(async () => {
    r = await startRegistry();
  });
  afterAll(async () => {
    await r?.close();
  });

  async function verdict(model: string, digest: string, kind: 'gate' | 'bootstrap'): Promise<string> {
    const res = await r.inject({
      method: 'POST', url: `/v1/models/${model}/verdicts`, as: 'ci',
      payload: { kind, model, candidate_digest: digest, baseline_file_digest: sha('b'), eval_set_digest: sha('e'), tolerance_pp: 0.02, passed: true, buckets: [], created_at: new Date().toISOString() },
    });
    expect(res.statusCode).toBe(201);
    return res.json().id;
  }
  const promote = async (model: string, digest: string, semver: string, verdict_id: string) => {
    const res = await r.inject({ method: 'POST', url: `/v1/models/${model}/promote`, as: 'ci', payload: { digest, semver, verdict_id, reason: `ship ${semver}` } });
    expect(res.statusCode).toBe(200);
    return res.json().move;
  };
  const lineage = async (model: string, ref: string, at?: string) => {
    const res = await r.inject({ method: 'GET', url: `/v1/lineage/${model}/${ref}${at ? `?at=${encodeURIComponent(at)}` : ''}`, as: 'reader' });
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  it('traces a retrained candidate back to its run, parent and drift report, and forward to verdicts, moves and plans', async () => {
    const model = uniqueName('lin');
    const data = [{ name: 'corpus', digest: sha('corpus'), uri: 'data/corpus' }];
    const base = (await r.push(model, { 'w.bin': `base-${model}` }, { lineage: { run_id: 'run-1', code_commit: 'abc123', data, params: { variant: 'base', seed: 7 } } })).body.digest;
    const retrained = (
      await r.push(model, { 'w.bin': `retrained-${model}` }, {
        lineage: {
          run_id: 'run-2', code_commit: 'abc124', parent_digest: base,
          data: [...data, { name: 'drift-window:w-42', digest: sha('window'), uri: 'lynx-drift://reports/rep-9' }],
          params: { variant: 'base', seed: 7, drift_report_id: 'rep-9', drift_window_id: 'w-42' },
        },
      })
    ).body.digest;

    const bootId = await verdict(model, base, 'bootstrap');
    await promote(model, base, 'v1.0.0', bootId);
    const plan = await r.inject({ method: 'PUT', url: `/v1/traffic/${model}`, as: 'operator', payload: { plan: { strategy: 'shadow', primary: 'production', shadow: retrained.slice(0, 19), percent: 10 }, reason: 'shadow it' } });
    expect(plan.statusCode).toBe(200);
    const gateId = await verdict(model, retrained, 'gate');
    const promoted = await promote(model, retrained, 'v1.1.0', gateId);
    await r.inject({ method: 'PUT', url: `/v1/traffic/${model}`, as: 'operator', payload: { plan: { strategy: 'single' }, reason: 'all in' } });
    const back = await r.inject({ method: 'POST', url: `/v1/models/${model}/rollback`, as: 'operator', payload: { reason: 'errors up' } });
    expect(back.statusCode).toBe(200);

    const cand = await lineage(model, 'v1.1.0');
    expect(cand.version).toMatchObject({ digest: retrained, semver: 'v1.1.0', status: 'rolled_back' });
    expect(cand.run).toMatchObject({ run_id: 'run-2', code_commit: 'abc124', params: { drift_report_id: 'rep-9' } });
    expect(cand.run.data.map((d: any) => d.name)).toEqual(['corpus', 'drift-window:w-42']);
    expect(cand.parent).toMatchObject({ digest: base, registered: true, version: { semver: 'v1.0.0' } });
    expect(cand.drift).toEqual({ report_id: 'rep-9', window_id: 'w-42', data: [{ name: 'drift-window:w-42', digest: sha('window'), uri: 'lynx-drift://reports/rep-9' }] });
    expect(cand.verdicts.map((v: any) => [v.id, v.passed])).toEqual([[gateId, true]]);
    expect(cand.alias_moves.map((m: any) => [m.kind, m.direction, m.verdict_id])).toEqual([
      ['promote', 'to', gateId],
      ['rollback', 'from', null],
    ]);
    // Revision 1 named it by digest prefix (shadow); revision 2 by `production`, which was it then.
    expect(cand.traffic_plans.map((p: any) => [p.revision, p.strategy, p.refs])).toEqual([
      [1, 'shadow', [{ ref: retrained.slice(0, 19), via: 'digest' }]],
      [2, 'single', [{ ref: 'production', via: 'alias' }]],
    ]);
    expect(cand.why_serving).toMatchObject({ serving: false, production: false, verdict: null });
    // While it was production: the promote that put it there and that promote's verdict.
    const then = await lineage(model, retrained, promoted.at);
    expect(then.why_serving).toMatchObject({
      at: promoted.at, serving: true, production: true, verdict_id: gateId,
      production_move: { id: promoted.id, kind: 'promote' }, verdict: { id: gateId, passed: true },
      traffic_plan: { revision: 1, strategy: 'shadow' },
    });

    const parent = await lineage(model, base);
    expect(parent.children.map((c: any) => c.digest)).toEqual([retrained]);
    expect(parent.drift).toBeNull();
    // Back in production by a rollback: the reason is the rollback move, the verdict its original promote's.
    expect(parent.why_serving).toMatchObject({
      serving: true, production: true, production_move: { kind: 'rollback', reason: 'errors up' }, verdict_id: bootId,
      verdict: { id: bootId, bootstrap: true }, traffic_plan: { revision: 2, strategy: 'single', refs: [{ ref: 'production', via: 'alias' }] },
    });
  });

  it('answers 404 for an unknown model or ref and 400 for a bad time', async () => {
    const model = uniqueName('lin');
    const d = (await r.push(model, { 'w.bin': `x-${model}` })).body.digest;
    expect((await r.inject({ method: 'GET', url: `/v1/lineage/ghost/${d}` })).json().error.code).toBe('model_not_found');
    expect((await r.inject({ method: 'GET', url: `/v1/lineage/${model}/v9.9.9` })).statusCode).toBe(404);
    const bad = await r.inject({ method: 'GET', url: `/v1/lineage/${model}/${d}?at=yesterday` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
    expect((await r.inject({ method: 'GET', url: `/v1/lineage/${model}/${d}`, as: null })).statusCode).toBe(401);
    const none = await lineage(model, d);
    expect(none).toMatchObject({ parent: null, drift: null, children: [], verdicts: [], alias_moves: [], traffic_plans: [], serving: null });
  });
});
