// Router benchmark. Registry, upstreams and routers each run in their own process, as
// deployed; the load generator is this process. The routers run from a build of apps/router made
// at the start of every run, as `nx build` ships it (bench/common/bundled-app.ts), so their RSS and
// CPU are the router's, not the TypeScript loader's. Figures, each
// routed against direct in the same run:
// - added latency at a fixed offered rate (open loop, as Istio's sidecar figures are measured with
//   fortio: 1000 req/s on 16 connections), p50 / p90 / p99;
// - primary p99 with a 10 % shadow against without, at that rate, in rounds A B, B A, A B …
//   (ROUTER_BENCH_ROUNDS, default 3), the medians of the rounds' p99 compared;
// - throughput router/direct in a closed loop at the same concurrency, against upstreams that
//   answer at once (zero work: the router's own CPU is the limit) and after a fixed model time
//   (one direct/router pair per round, the median pair's ratio);
// - the cost of publishing events (a second router with publishing off), closed loop;
// - router RSS once a second (V8 heap between phases), and a steady fixed-rate soak: first vs
//   last minute.
// A reference proxy, when nginx is on PATH: nginx (one worker, keep-alive to the upstream) in
// front of the same zero-work upstream, measured like the router (closed loop after the direct
// phases; at the fixed rate, after direct in each round). What it adds over direct is what any
// proxy costs on this machine, so router/nginx is the router's own share.
// A floor, always: a bare Node proxy (bare-proxy.ts: Node's HTTP server and undici, nothing of the
// router's own), closed loop after the direct phases, on the proxy's CPU: what a data plane in
// Node pays on this machine before any work of its own.
// Machine load and CPU per request of every process are printed with the figures: on a small
// machine the router competes with the load generator, the upstream and nats-server for cores.
//   node -r ./tools/register.js bench/router/router.bench.ts
//   ROUTER_BENCH_SECONDS=20 per phase, ROUTER_BENCH_CONCURRENCY=32 (closed loop),
//   ROUTER_BENCH_RATE=1000 req/s, ROUTER_BENCH_CONNECTIONS=16 and ROUTER_BENCH_ROUNDS=3 (open loop),
//   ROUTER_BENCH_UPSTREAM_MS=0,5,20 (model time per answer), ROUTER_BENCH_SOAK_SECONDS=180;
//   ROUTER_BENCH_NODE_OPTIONS (default: the router's heap cap from docker-compose.yml; its
//   command-line flags, --single-threaded-gc, are always passed);
//   LYNX_SPAWN_NODE_ARGS: extra node flags for the routers;
//   ROUTER_BENCH_PIN=off: every process on every CPU (default: the proxy under test on a CPU of
//   its own, see cpus.ts);
//   ROUTER_BENCH_ROUTER_LOG=<file> keeps the events-on router's stdout (with
//   LYNX_SPAWN_NODE_ARGS=--trace-gc: its GC trace, e.g. the live heap after each major GC)
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startRegistryChild } from '@lynx/platform/testing';
import { registerUpstreamVersion } from '../../apps/router/src/testing/upstream-version';
import { REPO, bundleApp, nodeArgsFrom, startBundledApp } from '../common/bundled-app';
import { natsServerPid, rate, runLoad, runOpenLoad, type Phase } from './load';
import { placeCpus } from './cpus';
import { startMemorySampler } from './memory';
import { NGINX_MISSING, startNginx, type ReferenceProxy } from './nginx';
import { report, type ModelTime, type Settings } from './report';

/** Must match the router's NODE_OPTIONS and command-line flags in docker-compose.yml. */
const ROUTER_NODE_OPTIONS = '--max-old-space-size=192';
const ROUTER_NODE_ARGS = ['--single-threaded-gc'];

const settings: Settings = {
  seconds: Number(process.env.ROUTER_BENCH_SECONDS ?? 20),
  rounds: Math.max(2, Number(process.env.ROUTER_BENCH_ROUNDS ?? 3)),
  concurrency: Number(process.env.ROUTER_BENCH_CONCURRENCY ?? 32),
  rate: Number(process.env.ROUTER_BENCH_RATE ?? 1000),
  connections: Number(process.env.ROUTER_BENCH_CONNECTIONS ?? 16),
  upstreamMs: (process.env.ROUTER_BENCH_UPSTREAM_MS ?? '0,5,20').split(',').map(Number),
  soak: Number(process.env.ROUTER_BENCH_SOAK_SECONDS ?? 180),
  loadBefore: loadavg(),
};
const MODEL = 'grammar-tutor';
const BODY = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'yesterday he goed to school' }] });
const DIRECT_BODY = BODY.replace(MODEL, 'lora');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Upstream {
  url: string;
  pid: number;
  stop(): void;
}

async function upstreamProcess(name: string, delayMs = 0): Promise<Upstream> {
  return childProcess(['bench/router/fast-upstream.ts', name, String(delayMs)]);
}

/** A TypeScript script of bench/router in a process of its own that prints its URL. */
async function childProcess(args: string[]): Promise<Upstream> {
  const proc = spawn(process.execPath, ['-r', './tools/register.js', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  process.once('exit', () => proc.kill('SIGKILL'));
  const url = await new Promise<string>((resolve) => createInterface({ input: proc.stdout! }).once('line', (l) => resolve(JSON.parse(l).url)));
  return { url, pid: proc.pid!, stop: () => proc.kill('SIGTERM') };
}

async function bench(routerScript: string): Promise<void> {
  const s = settings;
  // Before any child starts: they inherit the load CPUs.
  const cpusPlaced = placeCpus();
  const registry = await startRegistryChild({ prefix: 'rtrb' });
  const slowMs = s.upstreamMs.filter((ms) => ms > 0);
  const [primary, shadow, ...slow] = await Promise.all([upstreamProcess('primary'), upstreamProcess('shadow'), ...slowMs.map((ms) => upstreamProcess(`slow-${ms}`, ms))]);
  const version = (u: Upstream, upstreamModel: string) => registerUpstreamVersion(registry, MODEL, { 'upstream.base_url': u.url, 'upstream.model': upstreamModel });
  const dPrimary = await version(primary, 'lora');
  const dShadow = await version(shadow, 'int8');
  const dSlow = await Promise.all(slow.map((u) => version(u, 'lora')));
  const routerEnv = {
    // The router reads the registry as an operator: below that, upstream.* tags come back hidden.
    ...registry.ns.env, LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens.operator, LYNX_ROUTER_MODELS: MODEL,
    // The router's heap cap, as docker-compose.yml runs it.
    NODE_OPTIONS: process.env.ROUTER_BENCH_NODE_OPTIONS ?? ROUTER_NODE_OPTIONS,
  };
  const auth = { authorization: `Bearer ${registry.tokens.reader}` };
  // Plans go to the registry; the routers learn them from its events (within a second).
  const setPlan = async (plan: unknown) => {
    const res = await registry.call('PUT', `/v1/traffic/${MODEL}`, { plan, reason: 'bench' }, 'operator');
    if (res.status !== 200) throw new Error(`plan change failed: ${JSON.stringify(res.body)}`);
    await sleep(1500);
  };
  await setPlan({ strategy: 'single', ref: dPrimary });
  // As apps/router/src/testing/spawn-app.ts starts an app: its log on stdout, on a port of its own.
  const startRouter = (env: NodeJS.ProcessEnv) =>
    startBundledApp(routerScript, { ...env, LYNX_LOG_LEVEL: 'info', LYNX_HOST: '127.0.0.1', LYNX_ROUTER_PORT: '0' }, [...ROUTER_NODE_ARGS, ...nodeArgsFrom('LYNX_SPAWN_NODE_ARGS')]);
  // The real configuration (events published) and the same router with publishing off.
  const router = await startRouter(routerEnv);
  const quiet = await startRouter({ ...routerEnv, LYNX_ROUTER_EVENTS: 'off' });
  const nginx = await startNginx(primary.url);
  const bare = await childProcess(['bench/router/bare-proxy.ts', primary.url]);
  for (const pid of [router.proc.pid!, quiet.proc.pid!, bare.pid, ...(nginx ? [nginx.workerPid] : [])]) cpusPlaced.proxy(pid);
  if (process.env.ROUTER_BENCH_ROUTER_LOG) router.proc.stdout!.pipe(createWriteStream(process.env.ROUTER_BENCH_ROUTER_LOG));
  const natsPid = natsServerPid(registry.ns.env.LYNX_NATS_URL ?? 'nats://127.0.0.1:4222');
  if (natsPid) cpusPlaced.borrow(natsPid);
  const pidsWith = (upstream: Upstream) => ({
    router: router.proc.pid!, quiet: quiet.proc.pid!, bare: bare.pid, upstream: upstream.pid, ...(natsPid ? { nats: natsPid } : {}), ...(nginx ? { nginx: nginx.workerPid } : {}),
  });
  let current = 'start';
  const memory = startMemorySampler(router.proc.pid!, router.url, () => current, () => current === 'router, soak');
  const phases: Phase[] = [];
  let gcBefore = (await memory.sampleHeap()).gcSeconds ?? NaN;
  const run = async (p: Promise<Phase>) => {
    const phase = await p;
    phases.push(phase);
    // The router's GC and event-loop delay since the previous phase ended (its /metrics, scraped
    // between phases so the scrape itself never lands in a measured phase).
    const stats = await memory.sampleHeap();
    phase.routerGcMs = ((stats.gcSeconds ?? NaN) - gcBefore) * 1000;
    phase.routerLagMaxMs = stats.lagMaxMs;
    gcBefore = stats.gcSeconds ?? NaN;
    process.stderr.write(`  ${phase.name}: ${phase.latencies.length} requests in ${phase.seconds.toFixed(1)} s\n`);
    return phase;
  };
  const direct = (name: string, up = primary, seconds = s.seconds) => {
    current = name;
    return run(runLoad(name, up.url, '/chat/completions', DIRECT_BODY, { concurrency: s.concurrency, seconds, pids: pidsWith(up) }));
  };
  const routed = (name: string, url = router.url, up = primary, seconds = s.seconds) => {
    current = name;
    return run(runLoad(name, url, '/v1/chat/completions', BODY, { concurrency: s.concurrency, seconds, pids: pidsWith(up), headers: auth }));
  };
  // nginx and the bare Node proxy forward the direct request to the primary upstream.
  const proxied = (name: string, proxy: Pick<ReferenceProxy, 'url'>, seconds = s.seconds) => {
    current = name;
    return run(runLoad(name, proxy.url, '/chat/completions', DIRECT_BODY, { concurrency: s.concurrency, seconds, pids: pidsWith(primary) }));
  };
  const open = (name: string, via: 'direct' | 'router' | ReferenceProxy, seconds = s.seconds) => {
    current = name;
    const o = { rate: s.rate, connections: s.connections, seconds, pids: pidsWith(primary), headers: via === 'router' ? auth : undefined };
    if (via === 'router') return run(runOpenLoad(name, router.url, '/v1/chat/completions', BODY, o));
    return run(runOpenLoad(name, via === 'direct' ? primary.url : via.url, '/chat/completions', DIRECT_BODY, o));
  };
  const shadowPlan = { strategy: 'shadow', primary: dPrimary, shadow: dShadow, percent: 10 };
  try {
    const warm = Math.min(3, s.seconds / 4);
    await direct('warm', primary, warm);
    await routed('warm', router.url, primary, warm);
    await routed('warm', quiet.url, primary, warm);
    if (nginx) await proxied('warm', nginx, warm);
    await proxied('warm', bare, warm);
    phases.length = 0;

    // Closed loop, zero-work upstream: direct and routed alternate, so a change in the machine's
    // load shows in both.
    const d1 = await direct('direct');
    const on = await routed('router, events on');
    const off = await routed('router, events off', quiet.url);
    const d2 = await direct('direct again');
    const viaNginx = nginx ? await proxied('nginx (reference proxy)', nginx) : undefined;
    const viaBare = await proxied('bare Node proxy (floor)', bare);
    await setPlan(shadowPlan);
    const mirrored = await routed('router, 10 % shadow');
    await setPlan({ strategy: 'single', ref: dPrimary });
    const again = await routed('router, no shadow');

    // Closed loop, upstreams with a fixed model time (a timer: no CPU), in direct/router pairs, one
    // per round, in alternating order: a 20 s phase here moves by ±10 % with the machine, so the
    // median pair is the figure. For 0 ms the faster of the two direct phases is the baseline: a
    // slow one would flatter the router.
    const modelTime: ModelTime[] = [{ ms: 0, pairs: [{ direct: rate(d1) >= rate(d2) ? d1 : d2, routed: on }] }];
    for (const [i, ms] of slowMs.entries()) {
      await setPlan({ strategy: 'single', ref: dSlow[i] });
      const pairs: ModelTime['pairs'] = [];
      for (let round = 1; round <= s.rounds; round++) {
        const d = () => direct(`direct, upstream ${ms} ms, round ${round}`, slow[i]);
        const r = () => routed(`router, upstream ${ms} ms, round ${round}`, router.url, slow[i]);
        if (round % 2 === 1) pairs.push({ direct: await d(), routed: await r() });
        else pairs.push({ routed: await r(), direct: await d() });
      }
      modelTime.push({ ms, pairs });
    }
    if (!s.upstreamMs.includes(0)) modelTime.shift();
    await setPlan({ strategy: 'single', ref: dPrimary });

    // Open loop at a fixed rate: direct (and nginx), then the router without (A) and with a 10 %
    // shadow (B), in rounds A B, B A, A B …, so neither always follows the idle router of the direct phase.
    const fixed = { direct: [] as Phase[], nginx: [] as Phase[], plain: [] as Phase[], shadow: [] as Phase[] };
    const single = { strategy: 'single', ref: dPrimary };
    for (let round = 1; round <= s.rounds; round++) {
      fixed.direct.push(await open(`direct, fixed rate ${round}`, 'direct'));
      if (nginx) fixed.nginx.push(await open(`nginx (reference proxy), fixed rate ${round}`, nginx));
      for (const shadowed of round % 2 === 1 ? [false, true] : [true, false]) {
        await setPlan(shadowed ? shadowPlan : single);
        if (shadowed) fixed.shadow.push(await open(`router, 10 % shadow, fixed rate ${round}`, 'router'));
        else fixed.plain.push(await open(`router, fixed rate ${round}`, 'router'));
      }
    }
    await setPlan(single);

    // A steady soak at the fixed rate for the router's memory.
    const soak = s.soak > 0 ? await open('router, soak', 'router', s.soak) : undefined;
    memory.stop();
    const reference = nginx ? `reference proxy: nginx ${nginx.version} (one worker, keep-alive to the upstream)` : NGINX_MISSING;
    report(s, { phases, d1, d2, on, off, nginx: viaNginx, bare: viaBare, mirrored, again, modelTime, fixed, soak, reference, placement: cpusPlaced.describe }, memory.samples);
  } finally {
    cpusPlaced.restore();
    memory.stop();
    await Promise.all([router.stop(), quiet.stop(), nginx?.stop()]);
    for (const u of [primary, shadow, ...slow, bare]) u.stop();
    await registry.stop();
  }
}

/** Bundles the router into a temp dir (anew each run, so it is the code in the tree) and benches it. */
async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lynx-bench-router-'));
  try {
    await bench(await bundleApp('router', dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
