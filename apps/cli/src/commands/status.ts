import type { Command } from 'commander';
import { PORTS, type AppName } from '@lynx/schema';
import { EXIT } from '../exit';
import { RegistryClient } from '../registry-client';
import { short, table } from '../registry/table';
import { ServiceClient } from '../service-client';

export interface ServiceState {
  service: AppName;
  url: string;
  state: 'up' | 'down';
  ready: boolean | null;
  version: string | null;
  /** Why it is down or not ready. */
  problem: string | null;
}

export interface ModelState {
  model: string;
  versions: number;
  production: string | null;
  production_semver: string | null;
  plan: string | null;
  plan_revision: number | null;
  canary: string | null;
  drift: string | null;
}

export interface StackStatus {
  services: ServiceState[];
  models: ModelState[];
}

const APPS = Object.keys(PORTS) as AppName[];
const PROBE_MS = 2000;

async function probe(app: AppName): Promise<ServiceState> {
  const client = new ServiceClient(app);
  const base = { service: app, url: client.baseUrl };
  try {
    const live = await client.call('GET', '/healthz', undefined, PROBE_MS);
    if (live.status !== 200) return { ...base, state: 'down', ready: null, version: null, problem: `/healthz answered ${live.status}` };
    const ready = await client.call('GET', '/readyz', undefined, PROBE_MS).catch(() => undefined);
    const failing = ready?.json?.error?.details?.error ?? ready?.json?.error ?? ready?.json?.details;
    const problem = ready && ready.status !== 200 ? notReady(failing) : null;
    return { ...base, state: 'up', ready: ready ? ready.status === 200 : null, version: live.json?.version ?? null, problem };
  } catch {
    return { ...base, state: 'down', ready: null, version: null, problem: 'no answer (stopped, or elsewhere: set LYNX_<APP>_URL)' };
  }
}

/** The names of the failing readiness checks, from terminus's answer. */
function notReady(failing: unknown): string {
  if (failing && typeof failing === 'object') {
    const names = Object.entries(failing as Record<string, { status?: string; message?: string }>)
      .filter(([, v]) => v && typeof v === 'object' && v.status === 'down')
      .map(([k, v]) => (v.message ? `${k} (${v.message})` : k));
    if (names.length) return `not ready: ${names.join(', ')}`;
  }
  return 'not ready';
}

/** A plan in one phrase: the strategy and where traffic goes. */
export function describePlan(plan: any): string {
  switch (plan?.strategy) {
    case 'single':
      return `single ${plan.ref ?? 'production'}`;
    case 'ab':
      return `ab ${plan.arms.map((a: any) => `${a.name ?? a.ref}=${a.weight}`).join(' ')}`;
    case 'shadow':
      return `shadow ${plan.primary} → ${plan.shadow} ${plan.percent}%`;
    case 'canary':
      return `canary ${plan.stable} + ${plan.canary} ${plan.weight}%`;
    case 'bluegreen':
      return `bluegreen active ${plan.active}, preview ${plan.preview}`;
    default:
      return plan ? String(plan.strategy) : '-';
  }
}

const shortRef = (ref: string) => (/^sha256:[0-9a-f]{64}$/.test(ref) ? `sha256:${ref.slice(7, 19)}` : ref);

async function modelState(m: any, up: Set<AppName>): Promise<ModelState> {
  const registry = new RegistryClient();
  const name = encodeURIComponent(m.name);
  const quiet = <T>(p: Promise<T>) => p.catch(() => undefined);
  const [prod, traffic, canary, drift] = await Promise.all([
    m.production_digest ? quiet(registry.version(m.name, m.production_digest)) : undefined,
    quiet(registry.traffic(m.name)),
    up.has('gate') ? quiet(new ServiceClient('gate').json('GET', `/v1/gate/canaries/${name}`)) : undefined,
    up.has('drift-worker') ? quiet(new ServiceClient('drift-worker').json('GET', `/v1/drift/reports?model=${name}&limit=1`)) : undefined,
  ]);
  const plan = traffic?.plan ? describePlan(traffic.plan).replace(/sha256:[0-9a-f]{64}/g, shortRef) : null;
  const last = drift?.reports?.[0];
  return {
    model: m.name,
    versions: m.version_count,
    production: m.production_digest ?? null,
    production_semver: prod?.semver ?? null,
    plan,
    plan_revision: traffic?.revision ?? null,
    canary: canary ? canaryPhrase(canary) : up.has('gate') ? null : '?',
    drift: last ? `${last.decision} (${String(last.created_at ?? last.window?.end ?? '').slice(0, 19)})` : up.has('drift-worker') ? null : '?',
  };
}

function canaryPhrase(c: any): string | null {
  if (c.active) return `running${c.last?.decision ? `: ${c.last.decision}` : ''}${c.last?.weight !== undefined ? ` at ${c.last.weight}%` : ''}`;
  if (c.stopped) return `stopped: ${c.stopped.reason}`;
  return null;
}

/** Every service's health and version, then every model: production, plan, canary, last drift decision. */
export async function stackStatus(): Promise<StackStatus> {
  const services = await Promise.all(APPS.map(probe));
  const up = new Set(services.filter((s) => s.state === 'up').map((s) => s.service));
  let models: ModelState[] = [];
  if (up.has('registry')) {
    const list: { models: any[] } = await new RegistryClient().listModels().catch(() => ({ models: [] }));
    models = await Promise.all(list.models.map((m) => modelState(m, up)));
  }
  return { services, models };
}

export function formatStatus(s: StackStatus): string {
  const svc = table(
    ['SERVICE', 'STATE', 'READY', 'VERSION', 'URL', 'PROBLEM'],
    s.services.map((x) => [x.service, x.state, x.ready === null ? null : x.ready ? 'ready' : 'no', x.version, x.url, x.problem]),
  );
  const down = s.services.filter((x) => x.state === 'down').map((x) => x.service);
  const registryDown = down.includes('registry');
  const models = registryDown
    ? 'models: unknown (the registry is down)\n'
    : s.models.length === 0
      ? 'models: none yet (train and push one: `lynx train --variant base --out bundles/base --push`)\n'
      : table(
          ['MODEL', 'VERSIONS', 'PRODUCTION', 'SEMVER', 'PLAN', 'REV', 'CANARY', 'LAST DRIFT'],
          s.models.map((m) => [m.model, m.versions, short(m.production), m.production_semver, m.plan, m.plan_revision, m.canary, m.drift]),
        );
  const summary = down.length ? `DOWN: ${down.join(', ')} (start with \`npm start\`, or point the CLI at them with LYNX_<APP>_URL)\n` : 'all services up\n';
  return `${svc}\n${models}\n${summary}`;
}

export function registerStatusCommands(program: Command): void {
  program
    .command('status')
    .description('the whole stack in one screen: each service up or down with its version, each model with production, plan, canary and last drift decision; exits 1 when a service is down')
    .option('--json', 'print machine-readable JSON')
    .action(async (opts: { json?: boolean }) => {
      const status = await stackStatus();
      process.stdout.write(opts.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
      if (status.services.some((x) => x.state === 'down')) process.exitCode = EXIT.failed;
    });
}
