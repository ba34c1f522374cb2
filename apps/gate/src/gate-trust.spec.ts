import { GateRegistryClient } from '@lynx/gate';
import { createLynxApp } from '@lynx/platform';
import { makeTempDir, startRegistryChild, testNamespace, type RegistryChild } from '@lynx/platform/testing';
import { trainAllVariants, type TrainedVariants } from '@lynx/tutor/testing';
import { GateAppModule } from './app.module';
import { EvaluationsProcessor } from './evaluations/evaluations.processor';
import { lynx } from './testing/lynx-cli';

// The measured path with LYNX_ENV=prod: the gate service, under its own `gate` identity, pulls the
// candidate by digest, evaluates it on the committed eval set and posts its verdict with the
// per-item outcomes; the registry recomputes it against the registered baseline and promotes on
// it. Real registry (child, PGlite), real gate app, NATS and Redis; the real CLI registers the baseline.
jest.setTimeout(240_000);

describe('a verdict from the gate service promotes in prod', () => {
  let registry: RegistryChild;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let trained: TrainedVariants;
  const model = `trust-${Date.now().toString(36)}`;
  const digests: Record<string, string> = {};
  const as = (role: 'trainer' | 'admin' | 'operator') => ({ LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens[role], LYNX_ENV: 'prod' });

  beforeAll(async () => {
    [registry, tmp] = await Promise.all([
      startRegistryChild({ prefix: 'gtrust', roles: ['reader', 'trainer', 'operator', 'gate', 'admin'], env: { LYNX_ENV: 'prod' } }),
      makeTempDir('lynx-gate-trust-'),
    ]);
    trained = await trainAllVariants(tmp.dir);
    for (const variant of ['base', 'lora', 'regressed'] as const) {
      const push = await lynx(['push', trained.dirs[variant], '--model', model], as('trainer'));
      expect(push).toMatchObject({ code: 0, stderr: '' });
      digests[variant] = push.stdout.trim().split(/\s+/).find((w) => w.startsWith('sha256:')) as string;
    }
  });
  afterAll(async () => {
    await registry?.stop();
    await tmp?.cleanup();
  });

  it('registers the baseline (not as operator), then the gate refuses regressed and its verdict for lora promotes', async () => {
    const gate = new GateRegistryClient(registry.url, registry.tokens.gate);
    const boot = await gate.recordVerdict(model, {
      kind: 'bootstrap', model, candidate_digest: digests.base, baseline_file_digest: null, eval_set_digest: `sha256:${'0'.repeat(64)}`,
      tolerance_pp: 0.02, passed: true, buckets: [], created_at: new Date().toISOString(),
    });
    await gate.promote(model, { digest: digests.base, semver: 'v0.1.0', verdict_id: boot.id, reason: 'start the line' });

    const denied = await lynx(['baseline', 'update', '--model', model, '--reason', 'try'], as('operator'));
    expect([denied.code, denied.stderr]).toEqual([2, expect.stringMatching(/forbidden: only ci or admin may change a baseline/)]);
    const registered = await lynx(['baseline', 'update', '--model', model, '--reason', 'the committed baseline'], as('admin'));
    expect(registered.stderr).toBe('');
    expect(registered.code).toBe(0);

    const ns = testNamespace('gtrust', { LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens.gate });
    const app = await createLynxApp(GateAppModule.forRoot({ env: ns.env }), 'gate');
    try {
      await app.init();
      const worker = app.get(EvaluationsProcessor).worker;
      const http = app.getHttpAdapter().getInstance();
      const evaluate = async (ref: string) => {
        const done = new Promise<{ returnvalue: any }>((resolve) => worker.once('completed', (job) => resolve(job)));
        expect((await http.inject({ method: 'POST', url: '/v1/gate/evaluations', payload: { model, ref } })).statusCode).toBe(202);
        return (await done).returnvalue;
      };

      const bad = await evaluate(digests.regressed);
      expect(bad).toMatchObject({ passed: false, verdict: 'fail' });
      const badVerdict = await gate.verdict(bad.verdict_id);
      expect(badVerdict).toMatchObject({ source: 'gate', created_by: 'gate-user', passed: false, decision: { verdict: 'fail' } });
      const refused = await registry.call('POST', `/v1/models/${model}/promote`, { digest: digests.regressed, semver: 'v0.2.0', verdict_id: bad.verdict_id, reason: 'try' }, 'gate');
      expect([refused.status, refused.body.error.code]).toEqual([409, 'verdict_not_passing']);

      const good = await evaluate(digests.lora);
      expect(good).toMatchObject({ passed: true, verdict: 'pass' });
      const current = await registry.call('GET', `/v1/models/${model}/baselines/current`, undefined, 'reader');
      expect(await gate.verdict(good.verdict_id)).toMatchObject({ source: 'gate', registered_baseline_digest: current.body.digest, decision: { verdict: 'pass' } });
      const promoted = await gate.promote(model, { digest: digests.lora, semver: 'v0.2.0', verdict_id: good.verdict_id, reason: 'lora passes the gate' });
      expect(promoted).toMatchObject({ digest: digests.lora, semver: 'v0.2.0' });
      expect(await gate.production(model)).toBe(digests.lora);
    } finally {
      await app.close();
      await ns.cleanup();
    }
  });
});
