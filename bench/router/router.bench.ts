// Router benchmark (issue 5): added latency (p50, p99) and throughput of the router against calling
// a fast upstream directly, same run, same concurrency; primary p99 with a 10 % shadow against
// without; router RSS at the start and the end of its load. Registry, upstreams and router each
// run in their own process, as deployed; the load generator is this process.
//   node -r ./tools/register.js bench/router/router.bench.ts   (ROUTER_BENCH_SECONDS=20, ROUTER_BENCH_CONCURRENCY=32)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { startRegistryProcess, TOKENS } from '../../apps/router/src/testing/registry-process';
import { REPO_ROOT, spawnApp } from '../../apps/router/src/testing/spawn-app';

const SECONDS = Number(process.env.ROUTER_BENCH_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.ROUTER_BENCH_CONCURRENCY ?? 32);
const MODEL = 'grammar-tutor';
const BODY = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'yesterday he goed to school' }] });

async function upstreamProcess(name: string): Promise<{ url: string; stop(): void }> {
  const proc = spawn(process.execPath, ['-r', './tools/register.js', 'bench/router/fast-upstream.ts', name], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  process.once('exit', () => proc.kill('SIGKILL'));
  const url = await new Promise<string>((resolve) => createInterface({ input: proc.stdout! }).once('line', (l) => resolve(JSON.parse(l).url)));
  return { url, stop: () => proc.kill('SIGTERM') };
}

interface Phase {
  latencies: number[];
  requests: number;
  seconds: number;
}

/** Closed-loop load: CONCURRENCY callers, each sending its next request when the last one answered. */
async function run(baseUrl: string, path: string, body: string, seconds: number, headers: Record<string, string> = {}, onSecond?: () => void): Promise<Phase> {
  const url = new URL(baseUrl);
  const pool = new Pool(url.origin, { connections: CONCURRENCY });
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const ticker = onSecond ? setInterval(onSecond, 1000) : undefined;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        const res = await pool.request({ method: 'POST', path: url.pathname.replace(/\/$/, '') + path, headers: { 'content-type': 'application/json', ...headers }, body });
        await res.body.arrayBuffer();
        if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
        latencies.push(performance.now() - s);
      }
    }),
  );
  clearInterval(ticker);
  await pool.close();
  return { latencies, requests: latencies.length, seconds: (performance.now() - t0) / 1000 };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

async function main(): Promise<void> {
  const registry = await startRegistryProcess();
  const [primary, shadow] = await Promise.all([upstreamProcess('primary'), upstreamProcess('shadow')]);
  const dPrimary = await registry.register(MODEL, { 'upstream.base_url': primary.url, 'upstream.model': 'lora' });
  const dShadow = await registry.register(MODEL, { 'upstream.base_url': shadow.url, 'upstream.model': 'int8' });
  const putPlan = (plan: unknown) => registry.call('PUT', `/v1/traffic/${MODEL}`, { plan, reason: 'bench' }, 'operator');
  await putPlan({ strategy: 'single', ref: dPrimary });
  const router = await spawnApp('router', { ...registry.ns.env, LYNX_LOG_LEVEL: 'warn', LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: TOKENS.reader, LYNX_ROUTER_MODELS: MODEL });
  const auth = { authorization: `Bearer ${TOKENS.reader}` };
  const directBody = BODY.replace(MODEL, 'lora');
  try {
    const warm = Math.min(3, SECONDS / 4);
    await run(primary.url, '/chat/completions', directBody, warm);
    await run(router.url, '/v1/chat/completions', BODY, warm, auth);
    const direct = await run(primary.url, '/chat/completions', directBody, SECONDS);
    const rss: number[] = [];
    const sample = () => rss.push(rssMb(router.proc.pid!));
    sample();
    const routed = await run(router.url, '/v1/chat/completions', BODY, SECONDS, auth, sample);
    await putPlan({ strategy: 'shadow', primary: dPrimary, shadow: dShadow, percent: 10 });
    await new Promise((r) => setTimeout(r, 1000)); // the plan event; the next phase measures under it
    const mirrored = await run(router.url, '/v1/chat/completions', BODY, SECONDS, auth, sample);
    await putPlan({ strategy: 'single', ref: dPrimary });
    await new Promise((r) => setTimeout(r, 1000));
    const again = await run(router.url, '/v1/chat/completions', BODY, SECONDS, auth, sample);

    const window = Math.max(1, Math.floor(rss.length / 5));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const rssFirst = mean(rss.slice(0, window));
    const rssLast = mean(rss.slice(-window));
    const f = (n: number, d = 2) => n.toFixed(d);
    const rows: Array<[string, string]> = [
      ['direct p50 / p99 (ms)', `${f(pct(direct.latencies, 50))} / ${f(pct(direct.latencies, 99))}`],
      ['router p50 / p99 (ms)', `${f(pct(routed.latencies, 50))} / ${f(pct(routed.latencies, 99))}`],
      ['added p50 (ms), target ≤ 1', f(pct(routed.latencies, 50) - pct(direct.latencies, 50))],
      ['added p99 (ms), target ≤ 3', f(pct(routed.latencies, 99) - pct(direct.latencies, 99))],
      ['throughput direct / router (req/s)', `${f(direct.requests / direct.seconds, 0)} / ${f(routed.requests / routed.seconds, 0)}`],
      ['throughput ratio router/direct, target ≥ 0.7', f(routed.requests / routed.seconds / (direct.requests / direct.seconds))],
      ['primary p99 without / with 10 % shadow (ms)', `${f(pct(again.latencies, 99))} / ${f(pct(mirrored.latencies, 99))}`],
      ['p99 change with shadow, target ≤ 5 %', `${f((pct(mirrored.latencies, 99) / pct(again.latencies, 99) - 1) * 100, 1)} %`],
      [`router RSS first / last ${window} s of ${rss.length} s (MB)`, `${f(rssFirst, 1)} / ${f(rssLast, 1)}`],
      ['RSS change, target ± 10 %', `${f((rssLast / rssFirst - 1) * 100, 1)} %`],
    ];
    process.stdout.write(`router bench: ${SECONDS} s per phase, concurrency ${CONCURRENCY}, Node ${process.version}\n\n| figure | value |\n|---|---|\n`);
    for (const [k, v] of rows) process.stdout.write(`| ${k} | ${v} |\n`);
  } finally {
    await router.stop();
    primary.stop();
    shadow.stop();
    await registry.stop();
  }
}

void main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
