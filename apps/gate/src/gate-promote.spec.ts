import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GateRegistryClient } from '@lynx/gate';
import { createLynxApp } from '@lynx/platform';
import { makeTempDir, startRegistryChild, testNamespace, type RegistryChild } from '@lynx/platform/testing';
import { GateAppModule } from './app.module';
import { EvaluationsProcessor } from './evaluations/evaluations.processor';
import { trainAllVariants, type TrainedVariants } from '@lynx/tutor/testing';
import { lynx } from './testing/lynx-cli';

// "Done when" of the deploy gate, end to end: the real registry (child process, PGlite), the
// real CLI, the committed eval set and eval_baseline.json.
jest.setTimeout(120_000);

describe('lynx gate promote against the registry', () => {
  let registry: RegistryChild;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let trained: TrainedVariants;
  let client: GateRegistryClient;
  const model = `tutor-${Date.now().toString(36)}`;
  const digests: Record<string, string> = {};
  const as = (role: 'trainer' | 'ci' | 'reader') => ({ LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens[role] });

  beforeAll(async () => {
    [registry, tmp] = await Promise.all([startRegistryChild({ prefix: 'gate' }), makeTempDir('lynx-gate-promote-')]);
    trained = await trainAllVariants(tmp.dir);
    client = new GateRegistryClient(registry.url, registry.tokens.admin);
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

  const semvers = async () => (await client.versions(model)).map((v) => v.semver).filter(Boolean).sort();

  it('bootstraps the line with base, refuses regressed (exit 1, refusal audited), promotes lora, refuses a second bootstrap', async () => {
    const boot = await lynx(['gate', 'promote', `${model}@${digests.base}`, '--semver', 'v0.1.0', '--bootstrap', '--reason', 'start the line'], as('ci'));
    expect(boot.stderr).toBe('');
    expect(boot.code).toBe(0);
    expect(await client.production(model)).toBe(digests.base);

    const auditBefore = await client.audit(model);
    const refused = await lynx(['gate', 'promote', `${model}@${digests.regressed}`, '--semver', 'v0.2.0'], as('ci'));
    expect(refused.code).toBe(1);
    // gates, n, baseline, candidate, b, c, diff, lower, upper, verdict: the paired row of the failing bucket
    expect(refused.stdout).toMatch(/tense\.past_participle\s+yes\s+\d+\s+0\.\d+\s+0\.\d+\s+\d+\s+\d+\s+-0\.\d+\s+-0\.\d+\s+-0\.\d+\s+FAIL/);
    expect(refused.stdout).toMatch(/gate: FAIL \([^)]*tense\.past_participle/);
    expect(refused.stdout).toMatch(/power of the eval set/);
    expect(refused.stderr).toMatch(/gate: fail against the baseline/);
    expect(await client.production(model)).toBe(digests.base);
    expect(await semvers()).toEqual(['v0.1.0']);
    const newEntries = (await client.audit(model)).filter((e) => !auditBefore.some((b) => b.id === e.id));
    expect(newEntries.map((e) => e.action)).toEqual(['verdict.refused']);
    expect(newEntries[0].digest).toBe(digests.regressed);

    const ok = await lynx(['gate', 'promote', `${model}@${digests.lora}`, '--semver', 'v0.2.0', '--reason', 'lora adapter'], as('ci'));
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/gate: PASS/);
    expect(await client.production(model)).toBe(digests.lora);
    expect(await semvers()).toEqual(['v0.1.0', 'v0.2.0']);

    const again = await lynx(['gate', 'promote', `${model}@${digests.regressed}`, '--semver', 'v0.3.0', '--bootstrap'], as('ci'));
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--bootstrap is only for a model line with no production version/);
    expect(await client.production(model)).toBe(digests.lora);
  });

  it('a tampered eval set exits 2 before anything is evaluated or recorded', async () => {
    const tampered = join(tmp.dir, 'grammar-eval.jsonl');
    await copyFile(join(__dirname, '../../../data/eval/grammar-eval.jsonl'), tampered);
    const text = await readFile(tampered, 'utf8');
    const edited = text.replace(/"target":"([^"]*)\."/, '"target":"$1!"');
    expect(edited).not.toBe(text);
    await writeFile(tampered, edited);
    const auditBefore = (await client.audit(model)).length;
    const res = await lynx(['gate', 'promote', `${model}@${digests.lora}`, '--semver', 'v0.9.0', '--eval-set', tampered], as('ci'));
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/eval_set_mismatch/);
    const evalOnly = await lynx(['gate', 'evaluate', '--candidate', trained.dirs.regressed, '--eval-set', tampered]);
    expect(evalOnly.code).toBe(2);
    expect((await client.audit(model)).length).toBe(auditBefore);
    expect(await semvers()).toEqual(['v0.1.0', 'v0.2.0']);
  });

  it('POST /v1/gate/evaluations queues one job per (candidate, baseline) whose verdict lands in the registry', async () => {
    const ns = testNamespace('gatee', { LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens.ci });
    const app = await createLynxApp(GateAppModule.forRoot({ env: ns.env }), 'gate');
    try {
      await app.init();
      const worker = app.get(EvaluationsProcessor).worker;
      const done = new Promise<{ id?: string; returnvalue: any }>((resolve) => worker.once('completed', (job) => resolve(job)));
      const http = app.getHttpAdapter().getInstance();
      const res = await http.inject({ method: 'POST', url: '/v1/gate/evaluations', payload: { model, ref: digests.regressed } });
      expect(res.statusCode).toBe(202);
      const again = await http.inject({ method: 'POST', url: '/v1/gate/evaluations', payload: { model, ref: digests.regressed.slice(0, 20) } });
      expect(again.json().id).toBe(res.json().id);
      const job = await done;
      expect(job.id).toBe(res.json().id);
      expect(job.returnvalue).toMatchObject({ passed: false, verdict: 'fail', candidate_digest: digests.regressed });
      expect(job.returnvalue.failing).toContain('tense.past_participle');
      expect(job.returnvalue.power.gatingCount).toBeGreaterThan(0);
      const got = (await http.inject({ method: 'GET', url: `/v1/gate/evaluations/${job.id}` })).json();
      expect(got).toMatchObject({ state: 'completed', result: { verdict_id: job.returnvalue.verdict_id } });
      const audit = await client.audit(model);
      expect(audit.some((e) => e.action === 'verdict.refused' && (e.after as { verdict_id?: string })?.verdict_id === job.returnvalue.verdict_id)).toBe(true);
      expect((await http.inject({ method: 'POST', url: '/v1/gate/evaluations', payload: { model, ref: 'nope nope' } })).statusCode).toBe(400);
      expect((await http.inject({ method: 'GET', url: '/v1/gate/evaluations/unknown' })).statusCode).toBe(404);
    } finally {
      await app.close();
      await ns.cleanup();
    }
  });
});
