import type { Command } from 'commander';
import { trafficPlanSchema, type TrafficPlan } from '@lynx/schema';
import { CliError } from '../exit';
import { ServiceClient } from '../service-client';
import { trafficCommand } from './traffic-group';

// `lynx traffic show|set`: the router's traffic plans (LYNX_ROUTER_URL, LYNX_TOKEN).

export interface SetOptions {
  strategy: string;
  ref?: string;
  arm?: string[];
  primary?: string;
  shadow?: string;
  percent?: string;
  stable?: string;
  canary?: string;
  weight?: string;
  active?: string;
  preview?: string;
  reason?: string;
  /** ab: the horizon's design (stored by the registry when the A/B starts) */
  mde?: string;
  alpha?: string;
  power?: string;
  baselineRate?: string;
  looks?: string;
  /** bandit: least share per arm (0-0.5) and seconds between reallocations */
  floor?: string;
  interval?: string;
}

const parseArms = (specs: string[]) =>
  specs.map((spec) => {
    const m = /^(?:([^:=]+):)?([^=]+)=(.+)$/.exec(spec);
    if (!m) throw new CliError(`--arm expects ref=weight or name:ref=weight, got ${JSON.stringify(spec)}`);
    return { ...(m[1] ? { name: m[1] } : {}), ref: m[2], weight: num('--arm weight', m[3]) };
  });

/** The horizon flags of an A/B, when --mde is given; the registry computes the rest. */
function horizonFrom(o: SetOptions): Record<string, number> | undefined {
  const rest = { alpha: o.alpha, power: o.power, baselineRate: o.baselineRate, looks: o.looks };
  if (o.mde === undefined) {
    const stray = Object.entries(rest).filter(([, v]) => v !== undefined);
    if (stray.length) throw new CliError(`--${stray[0][0] === 'baselineRate' ? 'baseline-rate' : stray[0][0]} only sizes an A/B's horizon: give --mde too`);
    return undefined;
  }
  return {
    mde: num('--mde', o.mde),
    ...(o.alpha !== undefined ? { alpha: num('--alpha', o.alpha) } : {}),
    ...(o.power !== undefined ? { power: num('--power', o.power) } : {}),
    ...(o.baselineRate !== undefined ? { baseline_rate: num('--baseline-rate', o.baselineRate) } : {}),
    ...(o.looks !== undefined ? { looks: num('--looks', o.looks) } : {}),
  };
}

const num = (flag: string, v: string | undefined): number => {
  const n = Number(v);
  if (v === undefined || v === '' || !Number.isFinite(n)) throw new CliError(`${flag} needs a number, got ${JSON.stringify(v)}`);
  return n;
};

const need = (flag: string, v: string | undefined): string => {
  if (!v) throw new CliError(`${flag} is required for this strategy`);
  return v;
};

/** The plan the flags describe, checked against the same schema the router and registry use. */
export function planFromOptions(o: SetOptions): TrafficPlan {
  let plan: unknown;
  switch (o.strategy) {
    case 'single':
      plan = { strategy: 'single', ...(o.ref ? { ref: o.ref } : {}) };
      break;
    case 'ab':
      if (!o.arm?.length) throw new CliError('--arm ref=weight is required (repeat it per arm; name:ref=weight names the arm)');
      {
        const horizon = horizonFrom(o);
        plan = { strategy: 'ab', arms: parseArms(o.arm), ...(horizon ? { horizon } : {}) };
      }
      break;
    case 'bandit':
      if (!o.arm?.length) throw new CliError('--arm ref=weight is required (repeat it per arm, two or more; name:ref=weight names the arm)');
      plan = {
        strategy: 'bandit',
        arms: parseArms(o.arm),
        ...(o.floor !== undefined ? { floor: num('--floor', o.floor) } : {}),
        ...(o.interval !== undefined ? { interval_s: num('--interval', o.interval) } : {}),
      };
      break;
    case 'shadow':
      plan = { strategy: 'shadow', primary: need('--primary', o.primary), shadow: need('--shadow', o.shadow), percent: num('--percent', o.percent) };
      break;
    case 'canary':
      plan = { strategy: 'canary', stable: need('--stable', o.stable), canary: need('--canary', o.canary), weight: num('--weight', o.weight) };
      break;
    case 'bluegreen':
      plan = { strategy: 'bluegreen', active: need('--active', o.active), preview: need('--preview', o.preview) };
      break;
    default:
      throw new CliError(`--strategy must be one of single, ab, shadow, canary, bluegreen, bandit; got ${JSON.stringify(o.strategy)}`);
  }
  const parsed = trafficPlanSchema.safeParse(plan);
  if (!parsed.success) throw new CliError(`invalid plan: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'plan'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** The router over REST (LYNX_ROUTER_URL, LYNX_TOKEN); errors mapped in error-hints. */
export function router(method: 'GET' | 'PUT', path: string, body?: unknown): Promise<any> {
  return new ServiceClient('router').json(method, path, body);
}

/** The plan as a small table: one line per arm with its digest, weight and upstream. */
export function formatPlan(view: any): string {
  const lines = [`${view.model}  revision ${view.revision}  strategy ${view.plan.strategy}  loaded ${view.loaded_at}`];
  const rows = view.arms.map((a: any) => [
    a.arm,
    a.role,
    a.ref,
    String(a.digest).slice(0, 19),
    a.semver ?? '-',
    a.percent !== undefined ? `${a.percent}% mirrored` : String(a.weight),
    // Readers are not shown upstreams (internal addresses).
    a.upstream ? `${a.upstream.base_url} (${a.upstream.model})` : '(operator only)',
  ]);
  const head = ['ARM', 'ROLE', 'REF', 'DIGEST', 'SEMVER', 'WEIGHT', 'UPSTREAM'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r: string[]) => r[i].length)));
  for (const r of [head, ...rows]) lines.push(r.map((c: string, i: number) => c.padEnd(widths[i])).join('  ').trimEnd());
  return lines.join('\n');
}

export function registerTrafficCommands(program: Command): void {
  const traffic = trafficCommand(program);
  traffic
    .command('show')
    .description('The traffic plan the router runs for a model: arms, digests, weights, upstreams')
    .argument('<model>', 'logical model, e.g. grammar-tutor')
    .option('--json', 'print machine-readable JSON')
    .action(async (model: string, opts: { json?: boolean }) => {
      const view = await router('GET', `/v1/traffic/${encodeURIComponent(model)}`);
      process.stdout.write(opts.json ? `${JSON.stringify(view, null, 2)}\n` : `${formatPlan(view)}\n`);
    });
  traffic
    .command('set')
    .description('Change a model\'s traffic plan (role operator); the router checks every ref before it is stored')
    .argument('<model>', 'logical model, e.g. grammar-tutor')
    .requiredOption('--strategy <s>', 'single | ab | shadow | canary | bluegreen | bandit')
    .option('--ref <ref>', 'single: the version to serve (default: production)')
    .option('--arm <[name:]ref=weight>', 'ab, bandit: one arm (repeat); ab: control first', (v: string, acc: string[] = []) => [...acc, v])
    .option('--mde <fraction>', 'ab: minimum detectable effect; fixes and stores the horizon when the A/B starts')
    .option('--alpha <p>', 'ab: two-sided level of the horizon (default 0.05)')
    .option('--power <p>', 'ab: power at the MDE (default 0.8)')
    .option('--baseline-rate <p>', 'ab: the control\'s expected pass rate (default: the worst case)')
    .option('--looks <n>', 'ab: equally spaced looks (default 20, one every 5 % of the horizon)')
    .option('--floor <share>', 'bandit: least share of traffic per arm, 0-0.5 (default 0.05)')
    .option('--interval <s>', 'bandit: seconds between reallocations (default 30)')
    .option('--primary <ref>', 'shadow: the version that answers')
    .option('--shadow <ref>', 'shadow: the version that gets a copy')
    .option('--percent <n>', 'shadow: share of requests copied, 0-100')
    .option('--stable <ref>', 'canary: the stable version')
    .option('--canary <ref>', 'canary: the new version')
    .option('--weight <n>', 'canary: share of traffic to the canary, 0-100')
    .option('--active <ref>', 'bluegreen: the version serving users')
    .option('--preview <ref>', 'bluegreen: answers only requests with x-lynx-arm: preview')
    .option('--reason <text>', 'why (kept in the registry\'s history)')
    .option('--json', 'print machine-readable JSON')
    .action(async (model: string, opts: SetOptions & { json?: boolean }) => {
      const plan = planFromOptions(opts);
      const view = await router('PUT', `/v1/traffic/${encodeURIComponent(model)}`, { plan, ...(opts.reason ? { reason: opts.reason } : {}) });
      process.stdout.write(opts.json ? `${JSON.stringify(view, null, 2)}\n` : `${formatPlan(view)}\n`);
    });
}
