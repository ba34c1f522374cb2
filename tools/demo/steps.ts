import { type DemoContext, MODEL, http, lynx } from './context';
import type { Manifest } from './manifest';
import { waitFor } from './wait';

/** Steps more than one experiment takes: production lookups, plans, replays, router metrics. */

export interface VersionView {
  digest: string;
  semver: string | null;
  aliases: string[];
  status: string;
  lineage: { run_id?: string; parent_digest?: string | null; params?: Record<string, unknown>; data?: Array<{ name: string; digest: string; uri?: string }> };
  tags: Record<string, string>;
  evaluations?: unknown[];
}

export async function version(ctx: DemoContext, ref: string): Promise<VersionView | undefined> {
  const res = await fetch(`${ctx.urls.registry}/v1/models/${MODEL}/versions/${encodeURIComponent(ref)}`, { headers: { authorization: `Bearer ${ctx.setup.tokens.reader}` } });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`registry answered ${res.status} for ${MODEL}@${ref}: ${await res.text()}`);
  return (await res.json()) as VersionView;
}

export const production = (ctx: DemoContext) => version(ctx, 'production');

/** The semver to promote `digest` with: the one it already has, else the next minor above every release. */
export async function semverFor(ctx: DemoContext, digest: string): Promise<string> {
  const own = (await version(ctx, digest))?.semver;
  if (own && !own.includes('-')) return own;
  const { body } = await http<{ items: VersionView[] }>(ctx, undefined, 'reader', 'GET', `${ctx.urls.registry}/v1/models/${MODEL}/versions?limit=500`);
  const releases = body.items.map((v) => v.semver).filter((s): s is string => !!s && /^v\d+\.\d+\.\d+$/.test(s));
  const [major, minor] = releases.map((s) => s.slice(1).split('.').map(Number)).sort((a, b) => b[0] - a[0] || b[1] - a[1] || b[2] - a[2])[0] ?? [1, -1];
  return `v${major}.${minor + 1}.0`;
}

/** Applies a traffic plan through the router (checked and stored in the registry, applied at once). */
/**
 * Puts a plan through the router as an operator; `override` (a reason) puts it as admin past the
 * check that every arm answering users has a passing gate verdict, recorded in the audit.
 */
export async function setPlan(ctx: DemoContext, m: Manifest, plan: Record<string, unknown>, reason: string, override?: string): Promise<number> {
  const body = { plan, reason, ...(override ? { override_verdicts: { reason: override } } : {}) };
  const { body: res } = await http<{ revision: number }>(ctx, m, override ? 'admin' : 'operator', 'PUT', `${ctx.urls.router}/v1/traffic/${MODEL}`, body, {
    equivalent: trafficSetLine(plan, reason),
  });
  return res.revision;
}

/** The `lynx traffic set` line that applies the same plan. */
function trafficSetLine(plan: Record<string, any>, reason: string): string {
  const flags: string[] = ['--strategy', plan.strategy];
  if (plan.ref) flags.push('--ref', plan.ref);
  for (const a of plan.arms ?? []) flags.push('--arm', `${a.name ? `${a.name}:` : ''}${a.ref}=${a.weight}`);
  if (plan.strategy === 'shadow') flags.push('--primary', plan.primary, '--shadow', plan.shadow, '--percent', String(plan.percent));
  return `LYNX_TOKEN=$LYNX_OPERATOR_TOKEN lynx traffic set ${MODEL} ${flags.join(' ')} --reason '${reason}'`;
}

/** Sums a Prometheus counter's samples whose labels include every `match` pair. */
export async function metric(target: string, name: string, match: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${target}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(match).every(([k, v]) => labels[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

export interface ReplayFigures {
  sent: number;
  ok: number;
  failed: number;
  seconds: number;
  requests_per_second: number;
}

/** `lynx traffic replay` through the router, then waits until the router's events are all stored. */
export async function replay(ctx: DemoContext, m: Manifest, n: number, seed: number, extra: string[] = []): Promise<ReplayFigures> {
  const before = await ctx.nats.stored('lynx.inference.completed');
  const mirroredBefore = await mirrored(ctx);
  const t0 = Date.now();
  const r = await lynx(ctx, m, 'reader', ['traffic', 'replay', '--to', ctx.urls.router, '--n', String(n), '--seed', String(seed), '--concurrency', '16', '--quiet', ...extra]);
  const seconds = (Date.now() - t0) / 1000;
  const [, sent, ok, failed] = /sent (\d+), ok (\d+), failed (\d+)/.exec(r.stdout) ?? ['', '0', '0', '0'];
  // Every answer and every completed mirror is one completed event; nothing is dropped while NATS is up.
  await waitFor('the router to publish every inference event', 30_000, async () => {
    const mirrors = (await mirrored(ctx)) - mirroredBefore;
    const queued = await metric(ctx.urls.router, 'lynx_router_events_queued');
    const stored = (await ctx.nats.stored('lynx.inference.completed')) - before;
    return queued === 0 && stored >= Number(ok) + mirrors ? true : undefined;
  });
  return { sent: Number(sent), ok: Number(ok), failed: Number(failed), seconds, requests_per_second: Math.round(Number(sent) / seconds) };
}

/** Mirrored requests that reached the shadow (answered or failed; skipped ones were never sent). */
export async function mirrored(ctx: DemoContext): Promise<number> {
  return (await metric(ctx.urls.router, 'lynx_router_mirrored_total', { result: 'ok' })) + (await metric(ctx.urls.router, 'lynx_router_mirrored_total', { result: 'error' }));
}

/** Asks the router once; returns the digest that served and the arm. */
export async function ask(ctx: DemoContext, sentence = 'yesterday he goed to school'): Promise<{ digest: string; arm: string; status: number }> {
  const res = await fetch(`${ctx.urls.router}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.setup.tokens.reader}` },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: sentence }] }),
  });
  await res.arrayBuffer();
  return { digest: res.headers.get('x-lynx-digest') ?? '', arm: res.headers.get('x-lynx-arm') ?? '', status: res.status };
}
