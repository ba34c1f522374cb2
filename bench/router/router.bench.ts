// Router benchmark (issue 5): added latency (p50, p99) and throughput of the router against calling
// a fast upstream directly, same run, same client concurrency; the cost of publishing the events
// (a second router with publishing off); primary p99 with a 10 % shadow against without; router
// RSS from the first to the last minute of its load. Registry, upstreams and routers each run in
// their own process, as deployed; the load generator is this process. Machine load and CPU per
// request of every process are printed with the figures, because on a small machine the routed
// path's extra process competes with the load generator and the upstream for the same cores.
//   node -r ./tools/register.js bench/router/router.bench.ts
//   ROUTER_BENCH_SECONDS=20 per phase, ROUTER_BENCH_CONCURRENCY=32, ROUTER_BENCH_SOAK_SECONDS=60
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { startRegistryProcess, TOKENS } from '../../apps/router/src/testing/registry-process';
import { REPO_ROOT, spawnApp } from '../../apps/router/src/testing/spawn-app';
import { cpuPerRequest, machineBusy, natsServerPid, pct, rate, rssMb, runLoad, type Phase } from './load';

const SECONDS = Number(process.env.ROUTER_BENCH_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.ROUTER_BENCH_CONCURRENCY ?? 32);
const SOAK = Number(process.env.ROUTER_BENCH_SOAK_SECONDS ?? 60);
const MODEL = 'grammar-tutor';
const BODY = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'yesterday he goed to school' }] });

async function upstreamProcess(name: string): Promise<{ url: string; pid: number; stop(): void }> {
  const proc = spawn(process.execPath, ['-r', './tools/register.js', 'bench/router/fast-upstream.ts', name], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  process.once('exit', () => proc.kill('SIGKILL'));
  const url = await new Promise<string>((resolve) => createInterface({ input: proc.stdout! }).once('line', (l) => resolve(JSON.parse(l).url)));
  return { url, pid: proc.pid!, stop: () => proc.kill('SIGTERM') };
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const registry = await startRegistryProcess();
  const [primary, shadow] = await Promise.all([upstreamProcess('primary'), upstreamProcess('shadow')]);
  const dPrimary = await registry.register(MODEL, { 'upstream.base_url': primary.url, 'upstream.model': 'lora' });
  const dShadow = await registry.register(MODEL, { 'upstream.base_url': shadow.url, 'upstream.model': 'int8' });
  const putPlan = (plan: unknown) => registry.call('PUT', `/v1/traffic/${MODEL}`, { plan, reason: 'bench' }, 'operator');
  await putPlan({ strategy: 'single', ref: dPrimary });
  const routerEnv = { ...registry.ns.env, LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: TOKENS.reader, LYNX_ROUTER_MODELS: MODEL };
  // The real configuration (events published) and the same router with publishing off.
  const router = await spawnApp('router', routerEnv);
  const quiet = await spawnApp('router', { ...routerEnv, LYNX_ROUTER_EVENTS: 'off' });
  const natsPid = natsServerPid(registry.ns.env.LYNX_NATS_URL ?? 'nats://127.0.0.1:4222');
  const pids: Record<string, number> = { router: router.proc.pid!, quiet: quiet.proc.pid!, upstream: primary.pid, ...(natsPid ? { nats: natsPid } : {}) };
  const auth = { authorization: `Bearer ${TOKENS.reader}` };
  const directBody = BODY.replace(MODEL, 'lora');
  const rss: number[] = [];
  const sample = () => rss.push(rssMb(router.proc.pid!));
  const load = { concurrency: CONCURRENCY, pids };
  const direct = (name: string, seconds: number) => runLoad(name, primary.url, '/chat/completions', directBody, { ...load, seconds });
  const routed = (name: string, url: string, seconds: number, onSecond?: () => void) => runLoad(name, url, '/v1/chat/completions', BODY, { ...load, seconds, headers: auth, onSecond });
  try {
    const warm = Math.min(3, SECONDS / 4);
    await direct('warm', warm);
    await routed('warm', router.url, warm);
    await routed('warm', quiet.url, warm);
    // Direct and routed alternate, so a change in the machine's load shows in both.
    const d1 = await direct('direct', SECONDS);
    sample();
    const on = await routed('router, events on', router.url, SECONDS, sample);
    const off = await routed('router, events off', quiet.url, SECONDS);
    const d2 = await direct('direct again', SECONDS);
    await putPlan({ strategy: 'shadow', primary: dPrimary, shadow: dShadow, percent: 10 });
    await new Promise((r) => setTimeout(r, 1000)); // the plan event; the next phase measures under it
    const mirrored = await routed('router, 10 % shadow', router.url, SECONDS, sample);
    await putPlan({ strategy: 'single', ref: dPrimary });
    await new Promise((r) => setTimeout(r, 1000));
    const again = await routed('router, no shadow', router.url, SECONDS, sample);
    const soak = SOAK > 0 ? await routed('router, soak', router.url, SOAK, sample) : undefined;
    report([d1, on, off, d2, mirrored, again, ...(soak ? [soak] : [])], { d1, d2, on, off, mirrored, again }, rss, loadBefore);
  } finally {
    await Promise.all([router.stop(), quiet.stop()]);
    primary.stop();
    shadow.stop();
    await registry.stop();
  }
}

interface Key {
  d1: Phase;
  d2: Phase;
  on: Phase;
  off: Phase;
  mirrored: Phase;
  again: Phase;
}

function report(phases: Phase[], k: Key, rss: number[], loadBefore: number[]): void {
  const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
  const us = (p: Phase, label: string) => f(cpuPerRequest(p, label), 0);
  const lines: string[] = [];
  lines.push(`router bench: ${SECONDS} s per phase (soak ${SOAK} s), concurrency ${CONCURRENCY} for every phase, ${cpus().length} CPUs, Node ${process.version}`);
  lines.push(`load average before the run: ${loadBefore.map((x) => x.toFixed(2)).join(' / ')} (1 / 5 / 15 min)`, '');
  lines.push('| phase | req/s | p50 ms | p99 ms | machine busy | load 1m | CPU µs/req: loadgen · upstream · router · nats-server |', '|---|---|---|---|---|---|---|');
  for (const p of phases) {
    const routerLabel = p === k.off ? 'quiet' : 'router';
    const routerCpu = p.name.startsWith('direct') ? '—' : us(p, routerLabel);
    lines.push(`| ${p.name} | ${f(rate(p), 0)} | ${f(pct(p.latencies, 50))} | ${f(pct(p.latencies, 99))} | ${f(machineBusy(p) * 100, 0)} % | ${f(p.load)} | ${us(p, 'loadgen')} · ${us(p, 'upstream')} · ${routerCpu} · ${us(p, 'nats')} |`);
  }
  // Direct = the mean of the two direct phases around the routed ones.
  const dP50 = (pct(k.d1.latencies, 50) + pct(k.d2.latencies, 50)) / 2;
  const dP99 = (pct(k.d1.latencies, 99) + pct(k.d2.latencies, 99)) / 2;
  const dRate = (rate(k.d1) + rate(k.d2)) / 2;
  const window = Math.max(1, Math.min(60, Math.floor(rss.length / 2)));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rssFirst = mean(rss.slice(0, window));
  const rssLast = mean(rss.slice(-window));
  const rows: Array<[string, string]> = [
    ['direct p50 / p99 (ms), mean of both direct phases', `${f(dP50)} / ${f(dP99)}`],
    ['added p50 (ms), events on, target ≤ 1', f(pct(k.on.latencies, 50) - dP50)],
    ['added p99 (ms), events on, target ≤ 3', f(pct(k.on.latencies, 99) - dP99)],
    ['throughput ratio router/direct, events on, target ≥ 0.7', f(rate(k.on) / dRate)],
    ['added p50 / p99 (ms), events off', `${f(pct(k.off.latencies, 50) - dP50)} / ${f(pct(k.off.latencies, 99) - dP99)}`],
    ['throughput ratio router/direct, events off', f(rate(k.off) / dRate)],
    ['router CPU per request, events on / off (µs)', `${us(k.on, 'router')} / ${us(k.off, 'quiet')}`],
    ['p99 change with a 10 % shadow, target ≤ 5 %', `${f((pct(k.mirrored.latencies, 99) / pct(k.again.latencies, 99) - 1) * 100, 1)} %`],
    [`router RSS first / last ${window} s of ${rss.length} s under load (MB)`, `${f(rssFirst, 1)} / ${f(rssLast, 1)}`],
    ['RSS change, target ± 10 %', `${f((rssLast / rssFirst - 1) * 100, 1)} %`],
  ];
  lines.push('', '| figure | value |', '|---|---|', ...rows.map(([a, b]) => `| ${a} | ${b} |`));
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
