// Prometheus config, alert rules and Grafana dashboards: promtool checks the config and the rules
// and runs the rules' unit tests (deploy/alerts.test.yml); every metric a dashboard or a rule
// queries must be one a Lynx service declares, so a renamed metric fails here, not on a blank panel.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { VLLM_METRICS } from '@lynx/schema';

const root = path.join(__dirname, '..', '..');
const deploy = path.join(root, 'deploy');

function promtool(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync('promtool', args, { encoding: 'utf8', cwd: deploy });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error('promtool is not installed: run `apt-get install prometheus` (bash .ci/run installs it)');
  }
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Every metric name declared in the apps' and libs' sources (prom-client `name: '…'`, vLLM's names). */
function declaredMetrics(): Set<string> {
  const names = new Set<string>(Object.values(VLLM_METRICS));
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')) {
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/name: '(lynx_[a-z0-9_]+)'/g)) names.add(m[1]);
      }
    }
  };
  walk(path.join(root, 'apps'));
  walk(path.join(root, 'libs'));
  return names;
}

/** The metric names a PromQL expression reads (Lynx's and vLLM's), histogram suffixes removed. */
function metricsOf(expr: string): string[] {
  const found = expr.match(/\b(?:lynx_[a-z0-9_]+|vllm:[a-z0-9_:]+)/g) ?? [];
  return [...new Set(found.map((n) => n.replace(/_(bucket|sum|count)$/, '')))];
}

function dashboardExprs(): Array<{ file: string; title: string; expr: string }> {
  const dir = path.join(deploy, 'grafana', 'dashboards');
  return fs.readdirSync(dir).flatMap((file) => {
    const dash = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { panels: Array<{ title: string; targets?: Array<{ expr: string }> }> };
    return dash.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ file, title: p.title, expr: t.expr })));
  });
}

describe('Prometheus and Grafana configuration', () => {
  it('promtool accepts the config and the alert rules, and the rules pass their unit tests', () => {
    const config = promtool('check', 'config', 'prometheus.yml');
    expect({ status: config.status, out: config.out }).toMatchObject({ status: 0 });
    const rules = promtool('check', 'rules', 'alerts.yml');
    expect({ status: rules.status, out: rules.out }).toMatchObject({ status: 0 });
    const tests = promtool('test', 'rules', 'alerts.test.yml');
    expect({ status: tests.status, out: tests.out }).toMatchObject({ status: 0 });
    expect(tests.out).toContain('SUCCESS');
  });

  it('has an alert for each operational signal', () => {
    const rules = parse(fs.readFileSync(path.join(deploy, 'alerts.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string }> }> };
    expect(rules.groups.flatMap((g) => g.rules.map((r) => r.alert)).sort()).toEqual(
      ['LynxCanaryAborted', 'LynxDriftRetrain', 'LynxErrorRateHigh', 'LynxEventsDropped', 'LynxLatencyP99OverSlo', 'LynxLiveQualityBelowGate'],
    );
  });

  it('dashboards and rules query only metrics the services declare', () => {
    const declared = declaredMetrics();
    const rules = parse(fs.readFileSync(path.join(deploy, 'alerts.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    const queries = [...dashboardExprs().map((d) => ({ where: `${d.file}: ${d.title}`, expr: d.expr })), ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })))];
    expect(queries.length).toBeGreaterThan(10);
    const unknown = queries.flatMap((q) => metricsOf(q.expr).filter((m) => !declared.has(m)).map((m) => `${q.where}: ${m}`));
    expect(unknown).toEqual([]);
    for (const q of queries) expect(metricsOf(q.expr).length).toBeGreaterThan(0);
  });

  it('the dashboards cover traffic, latency, errors, fallbacks, dropped events, drift, cost, CpQU and canaries', () => {
    const used = new Set(dashboardExprs().flatMap((d) => metricsOf(d.expr)));
    for (const m of [
      'lynx_router_requests_total',
      'lynx_router_request_duration_seconds',
      'lynx_router_errors_total',
      'lynx_router_fallback_total',
      'lynx_router_events_dropped_total',
      'lynx_drift_value',
      'lynx_drift_decision',
      'lynx_cost_per_1k_tokens',
      'lynx_cpqu',
      'lynx_router_canary_weight',
    ]) {
      expect(used).toContain(m);
    }
  });

  it('Grafana provisioning points at the compose Prometheus with the uid the dashboards use', () => {
    const ds = parse(fs.readFileSync(path.join(deploy, 'grafana', 'provisioning', 'datasources', 'prometheus.yml'), 'utf8')) as { datasources: Array<{ uid: string; url: string }> };
    expect(ds.datasources[0]).toMatchObject({ uid: 'lynx-prometheus', url: 'http://prometheus:9090' });
  });
});
