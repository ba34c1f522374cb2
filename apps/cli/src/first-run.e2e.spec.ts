// First run, as a new user has it: `npm start` (tools/bin/start.js) on a fresh data dir with no
// configuration but a namespace and free ports of its own (other tests run at the same time),
// then `lynx train … --push` of base and lora without tags, a promotion, a shadow plan, and answers
// through the router from the official `openai` client. Then every new command against the running
// services, and `lynx status` naming a stopped one.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import { cleanupNamespace, freePort, makeTempDir, recordPassingVerdict, uniqueName } from '@lynx/platform/testing';
import { PORTS, portVariableOf, type AppName } from '@lynx/schema';
import { correct, loadModel } from '@lynx/tutor';
import { reportError } from './exit';
import { buildProgram } from './program';

jest.setTimeout(240_000);

const REPO = resolve(__dirname, '../../..');
const MODEL = 'grammar-tutor';
const APPS = Object.keys(PORTS) as AppName[];

/** `lynx …` in process: what it printed on stdout and stderr, and its exit code. */
async function lynx(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  process.exitCode = undefined;
  let code = 0;
  try {
    await buildProgram().exitOverride().parseAsync(['node', 'lynx', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (x) {
    code = reportError(x);
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
  return { code, out, err };
}

/** The same, failing the test (with what it printed) unless it exits 0. */
async function callJson(target: string, method: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(target, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => ({})) };
}

async function ok(...args: string[]): Promise<string> {
  const r = await lynx(...args);
  if (r.code !== 0) throw new Error(`lynx ${args.join(' ')} exited ${r.code}:\n${r.out}${r.err}`);
  return r.out;
}

/** What `npm start` printed so far (every app's lines, prefixed with its name). */
let log = '';

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    // The apps' own lines say why one never came up (a crash, a port taken, a slow start).
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; npm start printed:\n${log.split('\n').slice(-80).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('first run: npm start, train --push, promote, answers through the router', () => {
  const saved = { ...process.env };
  let tmp: { dir: string; cleanup(): Promise<void> };
  let start: ChildProcess | undefined;
  let startedAt = 0;
  const namespace = uniqueName('e2e');
  const ports = {} as Record<AppName, number>;
  const url = (app: AppName) => `http://127.0.0.1:${ports[app]}`;

  beforeAll(async () => {
    tmp = await makeTempDir('lynx-first-run-');
    for (const app of APPS) ports[app] = await freePort();
    // What the user's shell has, minus any Lynx settings; then only a namespace, a data dir and ports.
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(saved).filter(([k]) => !k.startsWith('LYNX_')));
    Object.assign(env, { LYNX_NAMESPACE: namespace, LYNX_DATA_DIR: join(tmp.dir, '.lynx'), LYNX_LOG_LEVEL: 'warn' });
    for (const app of APPS) env[portVariableOf(app)] = String(ports[app]);
    // The CLI finds every service from the same port variables.
    process.env = { ...env };
    startedAt = Date.now();
    start = spawn(process.execPath, ['tools/bin/start.js'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    start.stdout!.on('data', (d) => (log += d));
    start.stderr!.on('data', (d) => (log += d));
  });

  afterAll(async () => {
    process.env = saved;
    if (start?.pid && start.exitCode === null) {
      try {
        process.kill(-start.pid, 'SIGCONT');
      } catch {
        // already gone
      }
      process.kill(start.pid, 'SIGTERM');
      await new Promise((r) => start!.once('exit', r));
    }
    await cleanupNamespace(namespace).catch(() => undefined);
    await tmp?.cleanup();
  });

  let base = '';
  let lora = '';
  let requestId = '';
  let firstRequestAt = 0;

  it('answers through the router within 60 s of start, with no other step', async () => {
    const bundles = join(tmp.dir, 'bundles');
    const corpus = join(REPO, 'data', 'corpus');
    // Training needs no service, so base trains while the stack starts; pushing waits for the registry.
    const trainedBase = await ok('train', '--corpus', corpus, '--variant', 'base', '--out', join(bundles, 'base'));
    const mark = (what: string) => saved.LYNX_E2E_TIMES && console.log(`${what} at ${Date.now() - startedAt} ms`);
    mark('base trained');
    await until('registry ready', 60_000, async () => ((await fetch(`${url('registry')}/readyz`)).ok ? true : undefined));
    mark('registry ready');
    const b = await lynx('push', join(bundles, 'base'), '--model', MODEL);
    expect(b.code).toBe(0);
    base = b.out.trim();
    expect(base).toBe(trainedBase.trim());
    mark('base pushed');
    const l = await lynx('train', '--corpus', corpus, '--variant', 'lora', '--base', join(bundles, 'base'), '--out', join(bundles, 'lora'), '--push');
    expect(l.code).toBe(0);
    lora = l.out.trim();
    expect(l.err).toContain(`pushed ${MODEL}@${lora}`);
    // run.json gave the version its variant, params and metrics.
    const shown = JSON.parse(await ok('show', `${MODEL}@${lora}`));
    expect(shown.tags).toEqual({ variant: 'lora' });
    expect(shown.lineage.parent_digest).toBe(base);
    expect(shown.metrics.dev_accuracy).toBeGreaterThan(0);

    mark('lora trained and pushed');
    expect(await ok('promote', `${MODEL}@${base}`, 'v0.1.0-dev', '--reason', 'first run')).toContain(base);
    await until('router ready', 60_000, async () => ((await fetch(`${url('router')}/readyz`)).ok ? true : undefined));
    mark('router ready');
    const plan = await ok('traffic', 'set', MODEL, '--strategy', 'shadow', '--primary', 'production', '--shadow', lora, '--percent', '100');
    expect(plan).toContain(`${url('model-server')}/v1 (${base})`);

    const client = new OpenAI({ baseURL: `${url('router')}/v1`, apiKey: 'no-auth-in-dev', maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'Yesterday he goed to the market.' }] })
      .withResponse();
    firstRequestAt = Date.now();
    const expected = correct(await loadModel(join(bundles, 'base')), 'Yesterday he goed to the market.').corrected;
    expect(data.choices[0].message.content).toBe(expected);
    expect(response.headers.get('x-lynx-digest')).toBe(base);
    requestId = response.headers.get('x-lynx-request-id')!;
    expect(firstRequestAt - startedAt).toBeLessThan(60_000);
    // The shadow copy made the model server load lora on its base, from the registry.
    const models = await until('lora loaded for the shadow', 10_000, async () => {
      const ids = ((await (await fetch(`${url('model-server')}/v1/models`)).json()) as { data: Array<{ id: string }> }).data.map((m) => m.id);
      return ids.includes(lora) ? ids : undefined;
    });
    expect(models.sort()).toEqual([base, lora].sort());
  });

  it('lists base in `lynx served` within 5 s of its first request, with provisional usage', async () => {
    const served = await until('base in lynx served', 5_000, async () => {
      const r = JSON.parse(await ok('served', MODEL, '--json'));
      const row = r.versions.find((v: { digest: string }) => v.digest === base);
      return row?.provisional?.requests >= 1 ? row : undefined;
    });
    expect(Date.now() - firstRequestAt).toBeLessThan(5_000 + 1_000);
    expect(served).toMatchObject({ semver: 'v0.1.0-dev', provisional: { requests: 1 } });
    expect(served.provisional.tokens).toBeGreaterThan(0);
    expect(await ok('served', MODEL)).toMatch(new RegExp(`${base.slice(7, 19)}.*\\+1`));
    const costs = JSON.parse(await ok('costs', MODEL, '--json'));
    expect(costs.find((r: { digest: string }) => r.digest === base).provisional.requests).toBe(1);
  });

  it('drives every new command against the running services', async () => {
    // tag: set, unset, and the router follows (an upstream tag pointing nowhere makes the plan fail to load).
    const tagged = await lynx('tag', `${MODEL}@${lora}`, 'owner=tutor-team', 'stage=candidate', '--reason', 'label');
    expect(tagged.code).toBe(0);
    expect(tagged.out).toMatch(/owner\s+tutor-team\s+\(new\)\s+changed/);
    const json = JSON.parse(await ok('tag', `${MODEL}@${lora}`, '--unset', 'stage', '--json'));
    expect(json.tags).toEqual({ owner: 'tutor-team', variant: 'lora' });
    const reserved = await lynx('tag', `${MODEL}@${lora}`, 'lynx.price=1');
    expect(reserved.code).toBe(0); // auth is off in dev: everyone is admin
    const bad = await lynx('tag', `${MODEL}@${lora}`, 'bad key=1');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('validation_failed');

    // A re-push with other tags says what it did.
    const repush = await lynx('push', join(tmp.dir, 'bundles', 'base'), '--model', MODEL, '--tag', 'variant=int8');
    expect(repush.code).toBe(0);
    expect(repush.err).toContain(`was already registered: its tags were kept: variant=base (asked int8)`);
    expect(repush.err).toContain(`lynx tag ${MODEL}@${base} variant=int8`);

    // feedback on the answered request, and on one never answered.
    const fb = await lynx('feedback', requestId, '--rejected', '--correction', 'Yesterday he went to the market!');
    expect(fb.code).toBe(0);
    expect(fb.out).toContain('rejected');
    const unknown = await lynx('feedback', 'no-such-request', '--accepted');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/request_not_found/);

    // eval record: an eval of the lora bundle recorded on its version.
    const result = join(tmp.dir, 'lora-eval.json');
    await ok('eval', join(tmp.dir, 'bundles', 'lora'), '--base', join(tmp.dir, 'bundles', 'base'), '--eval-set', join(REPO, 'data', 'eval', 'grammar-eval.jsonl'), '--out', result);
    expect(await ok('eval', 'record', `${MODEL}@${lora}`, result)).toContain(lora.slice(7, 19));
    const wrong = await lynx('eval', 'record', `${MODEL}@${base}`, result);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain(`record it on ${MODEL}@${lora}`);

    // traffic switch: blue/green, then switch and switch back. Both sides answer users, so both
    // need a passing gate verdict: record one for lora as the gate would (auth is off here).
    await recordPassingVerdict({ call: (method, path, body) => callJson(`${url('registry')}${path}`, method, body) }, MODEL, lora);
    await ok('traffic', 'set', MODEL, '--strategy', 'bluegreen', '--active', base, '--preview', lora);
    const switched = JSON.parse(await ok('traffic', 'switch', MODEL, '--json'));
    expect(switched.plan).toEqual({ strategy: 'bluegreen', active: lora, preview: base });
    const notBg = await ok('traffic', 'set', MODEL, '--strategy', 'single');
    expect(notBg).toContain('single');
    const refused = await lynx('traffic', 'switch', MODEL);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--strategy bluegreen');

    // token create: printed once, its hash in the file; an unknown role is refused.
    const tokens = join(tmp.dir, 'tokens.json');
    const made = JSON.parse(await ok('token', 'create', '--role', 'operator', '--name', 'ops-bot', '--tokens-file', tokens, '--json'));
    const file = JSON.parse(await readFile(tokens, 'utf8'));
    expect(file.tokens).toHaveLength(1);
    expect(file.tokens[0]).toMatchObject({ role: 'operator', name: 'ops-bot' });
    expect(JSON.stringify(file)).not.toContain(made.token);
    const badRole = await lynx('token', 'create', '--role', 'root', '--name', 'x', '--tokens-file', tokens);
    expect([badRole.code, badRole.err]).toEqual([2, expect.stringContaining('unknown role "root": use one of reader, trainer, operator, gate, ci, admin')]);
    expect(JSON.parse(await readFile(tokens, 'utf8')).tokens).toHaveLength(1);

    // status: everything up, the model with its production and plan.
    const status = await lynx('status');
    expect(status.code).toBe(0);
    expect(status.out).toContain('all services up');
    const version = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')).version;
    expect(JSON.parse(await ok('status', '--json')).services.every((x: { version: string }) => x.version === version)).toBe(true);
    expect(status.out).toMatch(new RegExp(`${MODEL}\\s+2\\s+${base.slice(7, 19)}\\s+v0\\.1\\.0-dev\\s+single production`));
  });

  it('`lynx status` names a stopped service as down and exits 1', async () => {
    const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(start!.pid)], { encoding: 'utf8' });
    const gate = children.split('\n').find((l) => l.includes('apps/gate/src/main.ts'));
    expect(gate).toBeDefined();
    const pid = Number(gate!.trim().split(/\s+/)[0]);
    process.kill(pid, 'SIGSTOP');
    try {
      const status = await lynx('status', '--json');
      expect(status.code).toBe(1);
      const s = JSON.parse(status.out);
      expect(s.services.find((x: { service: string }) => x.service === 'gate')).toMatchObject({ state: 'down' });
      expect(s.services.filter((x: { state: string }) => x.state === 'down')).toHaveLength(1);
      const text = await lynx('status');
      expect(text.out).toContain('DOWN: gate');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    if (log.includes('failed to start')) throw new Error(log);
  });
});
