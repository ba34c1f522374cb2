// The dashboards and alert rules against a live Prometheus (Debian's `prometheus`): every app
// started as `npm start` starts it (own namespace, data dir and ports), a little traffic through
// the router (answers, a preview that fails over to the stable arm, feedback, a drift window
// closed), Prometheus scraping each app's /metrics every second, then every panel query of
// deploy/grafana/dashboards must return a series and every rule of deploy/alerts.yml must evaluate.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { cleanupNamespace, freePort, makeTempDir, recordPassingVerdict, uniqueName, until } from '@lynx/platform/testing';
import { PORTS, URL_VARIABLES, portVariableOf, type AppName } from '@lynx/schema';
import { InProcessCli } from '../demo/cli';
import { appCommands, discoverApps } from '../start/apps';
import { Supervisor } from '../start/supervisor';

jest.setTimeout(180_000);

const REPO = path.join(__dirname, '..', '..');
const DEPLOY = path.join(REPO, 'deploy');
const MODEL = 'grammar-tutor';
const APPS = Object.keys(PORTS) as AppName[];
const hasPrometheus = !spawnSync('prometheus', ['--version']).error;
if (!hasPrometheus) console.warn('skipped: `prometheus` is not installed (apt-get install prometheus; bash .ci/run installs it)');

/** Grafana's template variables in a panel query, as a live check fills them in. */
const TEMPLATE_VALUES: Record<string, string> = { __rate_interval: '1m', __interval: '1s', __range: '5m', model: MODEL };

function fillTemplate(expr: string): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const value = TEMPLATE_VALUES[(braced ?? bare)!];
    if (value === undefined) throw new Error(`no value for the template variable ${whole} in: ${expr}`);
    return value;
  });
}

function panelQueries(): Array<{ where: string; expr: string }> {
  const dir = path.join(DEPLOY, 'grafana', 'dashboards');
  return fs.readdirSync(dir).flatMap((file) => {
    const dash = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { panels: Array<{ title: string; targets?: Array<{ expr: string }> }> };
    return dash.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `${file}: ${p.title}`, expr: fillTemplate(t.expr) })));
  });
}

function alertRules(): Array<{ alert: string; expr: string }> {
  const rules = parse(fs.readFileSync(path.join(DEPLOY, 'alerts.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
  return rules.groups.flatMap((g) => g.rules);
}

/** A probe that fails (a service not listening yet) counts as "not yet" for `until`. */
const settled = <T>(probe: () => Promise<T | undefined>) => () => probe().catch(() => undefined);

interface PromAnswer {
  status: string;
  error?: string;
  data?: { resultType: string; result: unknown[] };
}

(hasPrometheus ? describe : describe.skip)('dashboards and alert rules on a live Prometheus', () => {
  const namespace = uniqueName('prom');
  const ports = {} as Record<AppName, number>;
  const url = (app: AppName) => `http://127.0.0.1:${ports[app]}`;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let apps: Supervisor | undefined;
  let prometheus: ChildProcess | undefined;
  let promUrl = '';
  let cli: InProcessCli;
  const logs: string[] = [];
  const state = { base: '', lora: '' };
  let deadPort = 0;

  const lynx = async (...args: string[]): Promise<string> => {
    const r = await cli.run(args);
    if (r.code !== 0) throw new Error(`lynx ${args.join(' ')} exited ${r.code}:\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const query = async (expr: string): Promise<PromAnswer> => (await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`)).json() as Promise<PromAnswer>;
  const chat = (headers: Record<string, string> = {}, text = 'Yesterday he goed to the market.') =>
    fetch(`${url('router')}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: text }] }) });
  const metricsOf = async (app: AppName) => (await fetch(`${url(app)}/metrics`)).text();

  beforeAll(async () => {
    tmp = await makeTempDir('lynx-prom-live-');
    for (const app of APPS) ports[app] = await freePort();
    deadPort = await freePort();
    // The console's pages are not what this test looks at: a stub page spares a `vite build`.
    const web = path.join(tmp.dir, 'web');
    fs.mkdirSync(web);
    fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>Lynx</title>');
    const env: NodeJS.ProcessEnv = {
      LYNX_NAMESPACE: namespace,
      LYNX_DATA_DIR: path.join(tmp.dir, '.lynx'),
      LYNX_LOG_LEVEL: 'warn',
      LYNX_CONSOLE_WEB_DIR: web,
      // Windows close when the test says so, and a handful of events is enough to decide.
      LYNX_DRIFT_SCHEDULE: 'false',
      LYNX_DRIFT_MIN_COUNT: '1',
      // The model server, and the port of the preview's unreachable upstream (see below).
      LYNX_UPSTREAM_ALLOWED_HOSTS: `127.0.0.1:${ports['model-server']},localhost:${ports['model-server']},127.0.0.1:${deadPort}`,
    };
    for (const app of APPS) env[portVariableOf(app)] = String(ports[app]);
    const commands = appCommands(REPO, discoverApps(REPO), false).map((c) => ({ ...c, env }));
    apps = new Supervisor(commands, { maxRestarts: 0, stopTimeoutMs: 5000, write: (line) => logs.push(line) });
    apps.start();
    const cliEnv: NodeJS.ProcessEnv = { ...env };
    for (const app of APPS) cliEnv[URL_VARIABLES[app]] = url(app);
    cli = new InProcessCli(REPO, cliEnv);

    // Prometheus scrapes every app each second and loads the alert rules as compose does.
    const promDir = path.join(tmp.dir, 'prometheus');
    fs.mkdirSync(promDir);
    fs.copyFileSync(path.join(DEPLOY, 'alerts.yml'), path.join(promDir, 'alerts.yml'));
    const scrape = APPS.map((app) => `  - job_name: ${app}\n    static_configs:\n      - targets: ["127.0.0.1:${ports[app]}"]`).join('\n');
    fs.writeFileSync(path.join(promDir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - alerts.yml\nscrape_configs:\n${scrape}\n`);
    const promPort = await freePort();
    promUrl = `http://127.0.0.1:${promPort}`;
    prometheus = spawn('prometheus', [`--config.file=${path.join(promDir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(promDir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    prometheus.stdout!.on('data', (d) => logs.push(`[prometheus] ${d}`));
    prometheus.stderr!.on('data', (d) => logs.push(`[prometheus] ${d}`));
  });

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      prometheus.kill('SIGTERM');
      await new Promise((r) => prometheus!.once('exit', r));
    }
    await apps?.stop();
    await cleanupNamespace(namespace).catch(() => undefined);
    await tmp?.cleanup();
  });

  it('pushes and promotes base, pushes lora, and Prometheus scrapes every app', async () => {
    const bundles = path.join(tmp.dir, 'bundles');
    const corpus = path.join(REPO, 'data', 'corpus');
    // Training needs no service: base trains while the apps start.
    const base = (await lynx('train', '--corpus', corpus, '--variant', 'base', '--out', path.join(bundles, 'base'))).trim();
    await until('registry ready', 60_000, settled(async () => ((await fetch(`${url('registry')}/readyz`)).ok ? true : undefined)));
    await lynx('push', path.join(bundles, 'base'), '--model', MODEL);
    await lynx('promote', `${MODEL}@${base}`, 'v0.1.0-dev', '--reason', 'live dashboards');
    const lora = (await lynx('train', '--corpus', corpus, '--variant', 'lora', '--base', path.join(bundles, 'base'), '--out', path.join(bundles, 'lora'), '--push')).trim();
    state.base = base;
    state.lora = lora;

    const scraped = settled(async () => {
      const targets = (await (await fetch(`${promUrl}/api/v1/targets`)).json()) as { data: { activeTargets: Array<{ labels: { job: string }; health: string }> } };
      const active = targets.data.activeTargets;
      return active.length === APPS.length && active.every((t) => t.health === 'up') ? [] : undefined;
    });
    // An app the supervisor gave up on fails the wait at once, outside `settled`, which would count it as "not yet".
    const down = await until('every target up', 90_000, async () => {
      if (logs.some((l) => l.includes('giving up on it'))) throw new Error('an app crashed and was given up on');
      return scraped();
    }).catch((e: Error) => [`${e.message}\n${logs.slice(-40).join('\n')}`]);
    expect(down).toEqual([]);
  });

  it('every dashboard panel query returns a series once traffic went through the router', async () => {
    const { base, lora } = state;
    const bundles = path.join(tmp.dir, 'bundles');
    // Accuracy for CpQU and the live-quality panel: an evaluation of base on the eval set.
    const evalOut = path.join(tmp.dir, 'base-eval.json');
    await lynx('eval', path.join(bundles, 'base'), '--eval-set', path.join(REPO, 'data', 'eval', 'grammar-eval.jsonl'), '--out', evalOut);
    await lynx('eval', 'record', `${MODEL}@${base}`, evalOut);
    // The reference profile base's drift windows are compared with (before any traffic of base).
    await lynx('drift', 'profile', `${MODEL}@${base}`, '--json');

    // Blue/green with lora as the preview, its upstream a port nobody listens on: a request for
    // the preview fails there and falls back to base, so errors and fallbacks have series.
    await lynx('tag', `${MODEL}@${lora}`, `upstream.base_url=http://127.0.0.1:${deadPort}/v1`, 'upstream.model=lora', '--reason', 'unreachable preview');
    await recordPassingVerdict({ call: async (method, p, body) => {
      const res = await fetch(`${url('registry')}${p}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    } }, MODEL, lora);
    await lynx('traffic', 'set', MODEL, '--strategy', 'bluegreen', '--active', base, '--preview', lora, '--reason', 'live dashboards');
    await until('router ready', 60_000, settled(async () => ((await fetch(`${url('router')}/readyz`)).ok ? true : undefined)));

    const requestIds: string[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await chat({}, i % 2 ? 'She have two cats.' : 'Yesterday he goed to the market.');
      expect(res.status).toBe(200);
      requestIds.push(res.headers.get('x-lynx-request-id')!);
    }
    await until('a preview request falling back to the active arm', 30_000, settled(async () => {
      const res = await chat({ 'x-lynx-arm': 'preview' });
      expect(res.status).toBe(200);
      return /lynx_router_fallback_total\{[^}]*\} [1-9]/.test(await metricsOf('router')) ? true : undefined;
    }));
    await lynx('feedback', requestIds[0], '--accepted');
    await lynx('feedback', requestIds[1], '--rejected');

    // A window of base's events, closed once the drift worker has them: drift values and a decision.
    let seen = '';
    await until('a drift window with values', 60_000, settled(async () => {
      const before = await metricsOf('drift-worker');
      seen = before.split('\n').filter((l) => l.startsWith('lynx_drift')).join('\n');
      if (!/lynx_drift_events_total\{outcome="added"[^}]*\} [1-9]/.test(before)) return undefined;
      // What `lynx drift close` does; its answer goes into the failure message.
      const closed = await fetch(`${url('drift-worker')}/v1/drift/windows/close/${MODEL}`, { method: 'POST' }).then(async (r) => `${r.status} ${await r.text()}`, (e: Error) => `failed: ${e.message}`);
      seen += `\nclose: ${closed}`;
      return /lynx_drift_value\{/.test(await metricsOf('drift-worker')) ? true : undefined;
    })).catch((e: Error) => {
      throw new Error(`${e.message}; the drift worker showed:\n${seen}`);
    });

    const empty: string[] = [];
    for (const q of panelQueries()) {
      const answer = await until(`${q.where}: ${q.expr}`, 30_000, settled(async () => {
        const a = await query(q.expr);
        if (a.status !== 'success') return a;
        return a.data!.result.length > 0 ? a : undefined;
      })).catch(() => undefined);
      if (answer?.status !== 'success' || answer.data!.result.length === 0) empty.push(`${q.where}: ${q.expr} → ${JSON.stringify(answer ?? 'no series')}`);
    }
    expect(empty).toEqual([]);
  });

  it('every alert rule parses and evaluates on the live server', async () => {
    const rules = alertRules();
    expect(rules.length).toBeGreaterThan(0);
    const failed: string[] = [];
    for (const r of rules) {
      const a = await query(r.expr);
      if (a.status !== 'success') failed.push(`${r.alert}: ${a.error}`);
    }
    expect(failed).toEqual([]);
    // Prometheus loaded the same rules and evaluated each without error.
    const loaded = await until('every rule evaluated', 30_000, settled(async () => {
      const body = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as { data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> } };
      const all = body.data.groups.flatMap((g) => g.rules);
      return all.length === rules.length && all.every((x) => x.health !== 'unknown') ? all : undefined;
    }));
    expect(loaded.filter((x) => x.health !== 'ok').map((x) => `${x.name}: ${x.lastError}`)).toEqual([]);
  });
});
