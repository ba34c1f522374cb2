import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type EventEmitter, on } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { pushRandomVersion } from '@lynx/bundle/testing';
import { createLynxApp, listenLynxApp } from '@lynx/platform';
import { recordPassingVerdict, spawnListening, startRegistryChild, type ListeningChild, type RegistryChild } from '@lynx/platform/testing';
import type { TrafficPlan } from '@lynx/schema';
import { type TutorItem, readItems } from '@lynx/tutor';
import { EVAL_SET_FILE } from '@lynx/tutor/testing';
import { GateAppModule } from '../app.module';
import { CanaryService, type Measurement } from './canary.service';

// Canary rollouts end to end: the real registry and router (children) and the gate (in process)
// share one namespace over real NATS and Redis. Requests go through the router to a small
// OpenAI-compatible upstream that answers like a good tutor (the item's target) or a bad one
// (the learner's sentence back); the router's inference events feed the gate's analysis, whose
// decisions go back through the registry to the router.
jest.setTimeout(120_000);

const REPO = resolve(__dirname, '../../../..');
const suffix = randomBytes(3).toString('hex');
const MODELS = { refused: `cr-refused-${suffix}`, bad: `cr-bad-${suffix}`, rollback: `cr-rollback-${suffix}`, good: `cr-good-${suffix}`, ops: `cr-ops-${suffix}` };
// Small horizons so a few hundred requests finish a stage: detect a 30 pp pass-rate drop or a
// rise of the error rate from 5 % to 25 % at one-sided α 0.01 with power 0.8, in 2 looks.
const POLICY_ENV = {
  LYNX_GATE_CANARY_STEPS: '20,50',
  LYNX_GATE_CANARY_ALPHA: '0.01',
  LYNX_GATE_CANARY_POWER: '0.8',
  LYNX_GATE_CANARY_LOOKS: '2',
  LYNX_GATE_CANARY_PASS_RATE_DROP: '0.3',
  LYNX_GATE_CANARY_BASE_ERROR_RATE: '0.05',
  LYNX_GATE_CANARY_INTERVAL_MS: '250',
};

/** An OpenAI-compatible upstream: model `good` answers each item's target, `bad` echoes the input. */
async function startTutorUpstream(items: TutorItem[]): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const targets = new Map(items.map((i) => [i.input.trim(), i.target]));
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const input = String(body.messages?.[body.messages.length - 1]?.content ?? '');
      const content = body.model === 'good' ? (targets.get(input.trim()) ?? input) : input;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 0, model: body.model, choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 8, completion_tokens: 8, total_tokens: 16 } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('canary rollouts through the router, registry and gate', () => {
  let registry: RegistryChild;
  let upstream: { baseUrl: string; close(): Promise<void> };
  let router: ListeningChild;
  let app: NestFastifyApplication;
  let gateUrl: string;
  let canary: CanaryService;
  let items: TutorItem[];
  const digests: Record<string, Record<'old' | 'stable' | 'good' | 'bad', string>> = {};

  const version = (model: string, kind: 'good' | 'bad') => pushRandomVersion({ url: registry.url, token: registry.tokens.operator }, model, { tags: { 'upstream.base_url': upstream.baseUrl, 'upstream.model': kind } });
  async function ok<T = any>(res: Promise<{ status: number; body: any }>, status = 200): Promise<T> {
    const r = await res;
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body as T;
  }
  const verdict = (model: string, digest: string) => recordPassingVerdict(registry, model, digest);
  const putPlan = (model: string, plan: TrafficPlan, as: 'operator' | 'admin' = 'operator', extra: Record<string, unknown> = {}) => registry.call('PUT', `/v1/traffic/${model}`, { plan, reason: 'test', ...extra }, as);
  const auth = () => ({ authorization: `Bearer ${registry.tokens.reader}` });
  const routerPlan = async (model: string) => (await (await fetch(`${router.url}/v1/traffic/${model}`, { headers: auth() })).json()) as { revision: number; plan: TrafficPlan };

  async function ask(model: string, i: number): Promise<string> {
    const item = items[i % items.length];
    const res = await fetch(`${router.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth() }, body: JSON.stringify({ model, messages: [{ role: 'user', content: item.input }] }) });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`router answered ${res.status}: ${text}`);
    return res.headers.get('x-lynx-arm') ?? '';
  }

  /** Sends requests, 8 at a time, until `done` resolves; returns the arms that answered. */
  async function drive(model: string, done: Promise<unknown>): Promise<string[]> {
    let over = false;
    void done.finally(() => (over = true)).catch(() => undefined);
    const arms: string[] = [];
    let i = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (!over) arms.push(await ask(model, i++));
    }));
    return arms;
  }

  /** Runs the CLI against the registry and the gate. */
  function lynx(args: string[], token: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((done) => {
      const p = spawn(process.execPath, [join(REPO, 'tools/bin/lynx.js'), ...args], { cwd: REPO, env: { ...process.env, LYNX_REGISTRY_URL: registry.url, LYNX_GATE_URL: gateUrl, LYNX_TOKEN: token } });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('exit', (code) => done({ code, stdout, stderr }));
    });
  }

  async function nextDecision(model: string, until: (m: Measurement) => boolean, timeoutMs = 60_000): Promise<Measurement> {
    for await (const [m] of on(canary as EventEmitter, 'measured', { signal: AbortSignal.timeout(timeoutMs) })) {
      if ((m as Measurement).model === model && until(m as Measurement)) return m as Measurement;
    }
    throw new Error('measurements ended');
  }

  /** Polls the router until its plan for `model` matches; returns how long that took. */
  async function routerApplies(model: string, match: (p: { revision: number; plan: TrafficPlan }) => boolean): Promise<number> {
    const started = Date.now();
    while (!match(await routerPlan(model))) {
      if (Date.now() - started > 10_000) throw new Error(`router did not apply the plan of ${model}: ${JSON.stringify(await routerPlan(model))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return Date.now() - started;
  }

  beforeAll(async () => {
    registry = await startRegistryChild({ prefix: 'gater' });
    items = await readItems(EVAL_SET_FILE);
    upstream = await startTutorUpstream(items);
    for (const model of Object.values(MODELS)) {
      const old = await version(model, 'good');
      const stable = await version(model, 'good');
      for (const [digest, semver] of [[old, 'v0.1.0-dev.1'], [stable, 'v0.2.0-dev.1']]) {
        await ok(registry.call('POST', `/v1/models/${model}/promote`, { digest, semver, reason: 'setup' }, 'trainer'));
      }
      digests[model] = { old, stable, good: await version(model, 'good'), bad: await version(model, 'bad') };
    }
    for (const model of [MODELS.bad, MODELS.rollback, MODELS.good, MODELS.ops]) {
      await verdict(model, digests[model].good);
      await verdict(model, digests[model].bad);
    }
    router = await spawnListening(['-r', join(REPO, 'tools/register.js'), join(REPO, 'apps/router/src/main.ts')], {
      cwd: REPO,
      env: { ...process.env, ...registry.ns.env, LYNX_ROUTER_PORT: '0', LYNX_HOST: '127.0.0.1', LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens.operator, LYNX_ROUTER_MODELS: Object.values(MODELS).join(','), LYNX_LOG_LEVEL: 'info' },
      label: 'router',
    });
    const env = { ...registry.ns.env, LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens.ci, LYNX_GATE_AUTO_CANARY: 'true', ...POLICY_ENV };
    app = await createLynxApp(GateAppModule.forRoot({ env }), 'gate');
    gateUrl = await listenLynxApp(app, 0);
    canary = app.get(CanaryService);
  });
  afterAll(async () => {
    await app?.close();
    await router?.stop();
    await upstream?.close();
    await registry?.stop(); // also deletes the shared namespace's streams and Redis keys
  });

  it('refuses a canary of a version without a passing verdict (409, arms named); an admin override is audited', async () => {
    const model = MODELS.refused;
    const plan: TrafficPlan = { strategy: 'canary', stable: 'production', canary: digests[model].good, weight: 20 };
    const refused = await putPlan(model, plan);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'arm_without_passing_verdict', details: { arms: [{ arm: 'canary', digest: digests[model].good }] } });
    expect(refused.body.error.message).toMatch(/run the gate on them/);
    // Shadow never answers users: any version may be shadowed.
    await ok(putPlan(model, { strategy: 'shadow', primary: 'production', shadow: digests[model].good, percent: 10 }));
    const override = { override_verdicts: { reason: 'load test of an unreleased build' } };
    expect((await putPlan(model, plan, 'operator', override)).status).toBe(403);
    await ok(putPlan(model, plan, 'admin', override));
    const audit = await ok<{ entries: Array<{ action: string; reason: string | null }> }>(registry.call('GET', `/v1/audit?model=${model}`));
    expect(audit.entries.some((e) => e.action === 'traffic.changed' && /verdict check overridden by .* for canary .*: load test of an unreleased build/.test(e.reason ?? ''))).toBe(true);
    await ok(putPlan(model, { strategy: 'single' }));
  });

  it('aborts a bad canary, and the router serves stable within 1 s of the abort', async () => {
    const model = MODELS.bad;
    const aborted = nextDecision(model, (m) => m.decision?.action === 'abort' || !!m.stopped);
    await ok(putPlan(model, { strategy: 'canary', stable: 'production', canary: digests[model].bad, weight: 20 }));
    const [m] = await Promise.all([aborted, drive(model, aborted)]);
    expect(m.decision).toMatchObject({ outcome: 'failed', action: 'abort', weight: 0 });
    expect(m.decision!.checks.find((c) => c.metric === 'pass_rate')).toMatchObject({ result: 'fail' });
    expect(await routerApplies(model, (p) => p.plan.strategy === 'canary' && p.plan.status === 'aborted')).toBeLessThan(1000);
    const arms = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(model, i)));
    expect(new Set(arms)).toEqual(new Set(['stable']));
    expect((await canary.status(model)).stopped?.reason).toMatch(/pass_rate .*aborting/);

    // `lynx canary status`: exit 1 for an aborted canary, with the failed check in the table and in --json.
    const table = await lynx(['canary', 'status', model], registry.tokens.reader);
    expect(table).toMatchObject({ code: 1 });
    expect(table.stdout).toMatch(/phase aborted/);
    expect(table.stdout).toMatch(/pass_rate\s+\S+\s+\S+\s+fail/);
    const json = await lynx(['canary', 'status', model, '--json'], registry.tokens.reader);
    expect(JSON.parse(json.stdout)).toMatchObject({ model, active: false, analysis: { phase: 'aborted' }, last: { action: 'abort' } });
    // The same state as Prometheus series, for an AnalysisTemplate or an alert.
    const metrics = await (await fetch(`${gateUrl}/metrics`)).text();
    const series = (name: string, labels: string) => metrics.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((kv) => l.includes(kv)));
    const digest = digests[model].bad;
    expect(series('lynx_canary_analysis_phase', `model="${model}",digest="${digest}",phase="aborted"`)).toMatch(/ 1$/);
    expect(series('lynx_canary_check_result', `model="${model}",check="pass_rate"`)).toMatch(/ -1$/);
    expect(series('lynx_canary_decisions_total', `model="${model}",action="abort"`)).toMatch(/ 1$/);
    expect(Number(series('lynx_canary_judged', `model="${model}",arm="canary"`)?.split(' ').pop())).toBeGreaterThan(0);
    // Nothing left to abort: a clear error, exit 2.
    const again = await lynx(['canary', 'abort', model], registry.tokens.operator);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/no running canary to abort/);
  });

  it('ends a canary on `lynx rollback`: single on the new production, analysis stopped for "rollback", audited, applied by the router within 1 s', async () => {
    const model = MODELS.rollback;
    const started = nextDecision(model, (m) => !!m.decision);
    await ok(putPlan(model, { strategy: 'canary', stable: 'production', canary: digests[model].good, weight: 20 }));
    await Promise.all([started, drive(model, started)]);
    expect((await canary.status(model)).active).toBe(true);

    const out = await lynx(['rollback', model, '--reason', 'bad answers reported'], registry.tokens.operator);
    const rolledBackAt = Date.now();
    expect(out).toMatchObject({ code: 0 });
    const stored = await ok<{ plan: TrafficPlan; revision: number }>(registry.call('GET', `/v1/traffic/${model}`));
    expect(stored.plan).toEqual({ strategy: 'single' });
    const history = await ok<{ changes: Array<{ reason: string | null }> }>(registry.call('GET', `/v1/traffic/${model}/history`));
    expect(history.changes[history.changes.length - 1].reason).toMatch(/^rollback: the canary plan ends/);
    await routerApplies(model, (p) => p.revision === stored.revision);
    expect(Date.now() - rolledBackAt).toBeLessThan(1000);
    const arms = await Promise.all(Array.from({ length: 10 }, (_, i) => ask(model, i)));
    expect(new Set(arms)).toEqual(new Set(['production']));
    const audit = await ok<{ entries: Array<{ action: string; reason: string | null }> }>(registry.call('GET', `/v1/audit?model=${model}`));
    expect(audit.entries.some((e) => e.action === 'rollback')).toBe(true);
    expect(audit.entries.some((e) => e.action === 'traffic.changed' && /^rollback:/.test(e.reason ?? ''))).toBe(true);
    for (let i = 0; i < 100 && (await canary.status(model)).active; i++) await new Promise((r) => setTimeout(r, 50));
    const status = await canary.status(model);
    expect(status.active).toBe(false);
    expect(status.stopped?.reason).toMatch(/^rollback/);
  });

  it('completes a good canary through every step while stable still has traffic; the plan becomes single on it', async () => {
    const model = MODELS.good;
    const seen: Measurement[] = [];
    const record = (m: Measurement) => m.model === model && seen.push(m);
    canary.on('measured', record);
    const completed = nextDecision(model, (m) => m.decision?.action === 'complete' || m.decision?.action === 'abort' || !!m.stopped, 90_000);
    await ok(putPlan(model, { strategy: 'canary', stable: 'production', canary: digests[model].good, weight: 20 }));
    const [m] = await Promise.all([completed, drive(model, completed)]);
    canary.off('measured', record);
    expect(m.decision).toMatchObject({ outcome: 'successful', action: 'complete' });
    expect(seen.filter((x) => x.decision?.action === 'step').map((x) => x.decision!.weight)).toEqual([50]);
    // Never a step on too little evidence: every step came with both sequential checks passed.
    for (const x of seen.filter((s) => s.decision?.action === 'step' || s.decision?.action === 'complete')) {
      expect(x.decision!.checks.filter((c) => c.metric !== 'latency').map((c) => c.result)).toEqual(['pass', 'pass']);
    }
    const stored = await ok<{ plan: TrafficPlan; revision: number }>(registry.call('GET', `/v1/traffic/${model}`));
    expect(stored.plan).toEqual({ strategy: 'single', ref: digests[model].good });
    await routerApplies(model, (p) => p.revision === stored.revision);
    expect((await canary.status(model)).active).toBe(false);
  });

  it('lynx canary pause keeps the evidence, resume carries on from it, abort serves stable only', async () => {
    const model = MODELS.ops;
    const measured = nextDecision(model, (m) => !!m.decision && m.decision.checks[0].canary_n > 0);
    await ok(putPlan(model, { strategy: 'canary', stable: 'production', canary: digests[model].good, weight: 20 }));
    await Promise.all([measured, drive(model, measured)]);
    const before = await canary.status(model);

    const paused = await lynx(['canary', 'pause', model, '--json'], registry.tokens.operator);
    expect(paused.code).toBe(0);
    expect(JSON.parse(paused.stdout).plan).toMatchObject({ strategy: 'canary', weight: 20, status: 'paused' });
    expect((await canary.status(model)).active).toBe(false);

    const resumed = await lynx(['canary', 'resume', model], registry.tokens.operator);
    expect(resumed).toMatchObject({ code: 0 });
    expect(resumed.stdout).toMatch(/analysis resumed at 20%/);
    const after = await canary.status(model);
    expect(after.active).toBe(true);
    expect(after.analysis!.canary.requests).toBeGreaterThanOrEqual(before.analysis!.canary.requests);
    expect(after.analysis!.canary.requests).toBeGreaterThan(0);

    const aborted = await lynx(['canary', 'abort', model], registry.tokens.operator);
    expect(aborted).toMatchObject({ code: 0 });
    expect(aborted.stdout).toMatch(/aborted; plan revision \d+: canary weight 0% aborted/);
    await routerApplies(model, (p) => p.plan.strategy === 'canary' && p.plan.status === 'aborted');
    const arms = await Promise.all(Array.from({ length: 10 }, (_, i) => ask(model, i)));
    expect(new Set(arms)).toEqual(new Set(['stable']));
  });
});
