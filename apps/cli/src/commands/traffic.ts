import type { Command } from 'commander';
import { trafficPlanSchema, type TrafficPlan } from '@lynx/schema';
import { CliError } from '../exit';
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
      plan = {
        strategy: 'ab',
        arms: o.arm.map((spec) => {
          const m = /^(?:([^:=]+):)?([^=]+)=(.+)$/.exec(spec);
          if (!m) throw new CliError(`--arm expects ref=weight or name:ref=weight, got ${JSON.stringify(spec)}`);
          return { ...(m[1] ? { name: m[1] } : {}), ref: m[2], weight: num('--arm weight', m[3]) };
        }),
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
      throw new CliError(`--strategy must be one of single, ab, shadow, canary, bluegreen; got ${JSON.stringify(o.strategy)}`);
  }
  const parsed = trafficPlanSchema.safeParse(plan);
  if (!parsed.success) throw new CliError(`invalid plan: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'plan'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

async function router(method: 'GET' | 'PUT', path: string, body?: unknown): Promise<any> {
  const base = (process.env.LYNX_ROUTER_URL || 'http://127.0.0.1:7100').replace(/\/+$/, '');
  const token = process.env.LYNX_TOKEN;
  let res: Response;
  try {
    res = await fetch(base + path, {
      method,
      headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch (err) {
    throw new CliError(`router unreachable at ${base} (set LYNX_ROUTER_URL): ${(err as Error).message}`);
  }
  const json: any = await res.json().catch(() => undefined);
  if (!res.ok) throw new CliError(`${json?.error?.code ?? res.status}: ${json?.error?.message ?? res.statusText}`);
  return json;
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
    .requiredOption('--strategy <s>', 'single | ab | shadow | canary | bluegreen')
    .option('--ref <ref>', 'single: the version to serve (default: production)')
    .option('--arm <[name:]ref=weight>', 'ab: one arm (repeat)', (v: string, acc: string[] = []) => [...acc, v])
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
