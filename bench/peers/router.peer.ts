// Router vs the LLM gateways users pick: Lynx's router, LiteLLM's proxy (no database) and Portkey's
// AI Gateway, each in its own process in front of the same zero-work OpenAI-compatible upstream
// (bench/router/fast-upstream.ts), measured with bench/router's load generator:
//  - added latency: open loop at a fixed rate on 16 connections, latency from the intended send
//    time (no coordinated omission), the gateway's p50/p99 minus direct's in the same round;
//    rounds alternate the order of the gateways;
//  - throughput: closed loop, 32 callers, each gateway and direct.
// Every process shares the machine's cores (no pinning), so each gateway competes with the load
// generator and the upstream alike.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, pythonToolEnv, startRegistryChild, venvBin } from '@lynx/platform/testing';
import { registerUpstreamVersion } from '../../apps/router/src/testing/upstream-version';
import { REPO, bundleApp, startBundledApp } from '../common/bundled-app';
import { pct, rate, runLoad, runOpenLoad, type Phase } from '../router/load';
import { fmt, printTable, sleep, verdict } from './report';

const MODEL = 'grammar-tutor';
const MESSAGES = [{ role: 'user', content: 'yesterday he goed to school' }];
const body = (model: string) => JSON.stringify({ model, messages: MESSAGES });

interface Gateway {
  name: string;
  url: string;
  path: string;
  body: string;
  headers: Record<string, string>;
  stop(): Promise<void>;
}

/** A child process in a group of its own (Python servers fork), stopped with its group. */
function groupStop(proc: ChildProcess): () => Promise<void> {
  process.once('exit', () => {
    try {
      process.kill(-proc.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  });
  return () =>
    new Promise<void>((done) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return done();
      proc.once('exit', () => done());
      try {
        process.kill(-proc.pid!, 'SIGTERM');
      } catch {
        done();
      }
    });
}

/** Polls `url` until it answers 200; throws with the process's last output when it exits or times out. */
async function waitHealthy(url: string, proc: ChildProcess, log: () => string, timeoutMs: number, label: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${label} exited with ${proc.exitCode}: ${log()}`);
    if (await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false)) return;
    if (Date.now() > deadline) throw new Error(`${label} did not answer ${url} within ${timeoutMs / 1000} s: ${log()}`);
    await sleep(500);
  }
}

function spawnLogged(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): { proc: ChildProcess; log: () => string } {
  const proc = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-3000));
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  return { proc, log: () => out };
}

async function startUpstream(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const proc = spawn(process.execPath, ['-r', './tools/register.js', 'bench/router/fast-upstream.ts', 'peers'], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  const url = await new Promise<string>((ok) => createInterface({ input: proc.stdout! }).once('line', (l) => ok(JSON.parse(l).url)));
  return { url, pid: proc.pid!, stop: groupStop(proc) };
}

async function startLitellm(dir: string, upstream: string): Promise<Gateway> {
  const port = await freePort();
  const config = join(dir, 'litellm.yaml');
  writeFileSync(config, `model_list:\n  - model_name: lora\n    litellm_params:\n      model: openai/lora\n      api_base: ${upstream}\n      api_key: sk-bench\n`);
  // The proxy refuses to start without a master key; a random one, sent as the callers' key.
  const key = `sk-${randomBytes(24).toString('hex')}`;
  const { proc, log } = spawnLogged(venvBin('litellm'), ['--config', config, '--host', '127.0.0.1', '--port', String(port)], pythonToolEnv({ LITELLM_MASTER_KEY: key, LITELLM_LOG: 'ERROR' }), dir);
  const stop = groupStop(proc);
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(`${url}/health/liveliness`, proc, log, 300_000, 'litellm').catch(async (e) => (await stop(), Promise.reject(e)));
  return { name: 'LiteLLM proxy 1.108.5', url, path: '/v1/chat/completions', body: body('lora'), headers: { authorization: `Bearer ${key}` }, stop };
}

async function startPortkey(dir: string, upstream: string): Promise<Gateway> {
  const port = await freePort();
  const script = join(REPO, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  const { proc, log } = spawnLogged(process.execPath, [script, `--port=${port}`, '--headless'], { ...process.env, NODE_ENV: 'production' }, dir);
  const stop = groupStop(proc);
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, proc, log, 60_000, 'portkey gateway').catch(async (e) => (await stop(), Promise.reject(e)));
  return {
    name: 'Portkey AI Gateway 1.15.2', url, path: '/v1/chat/completions', body: body('lora'),
    // Portkey routes per request: provider openai at a custom base URL (the upstream's /v1).
    headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upstream, authorization: 'Bearer sk-bench' },
    stop,
  };
}

async function startLynx(dir: string, upstream: string): Promise<Gateway & { stopRegistry(): Promise<void> }> {
  const registry = await startRegistryChild({ prefix: 'peersr', readyTimeoutMs: 300_000 });
  const digest = await registerUpstreamVersion(registry, MODEL, { 'upstream.base_url': upstream, 'upstream.model': 'lora' });
  const res = await registry.call('PUT', `/v1/traffic/${MODEL}`, { plan: { strategy: 'single', ref: digest }, reason: 'bench' }, 'operator');
  if (res.status !== 200) throw new Error(`plan change failed: ${JSON.stringify(res.body)}`);
  const script = await bundleApp('router', dir);
  // As bench/router runs it: the router's heap cap and flags from docker-compose.yml, events on.
  const router = await startBundledApp(script, {
    // The router reads the registry as an operator: below that, upstream.* tags come back hidden.
    ...registry.ns.env, LYNX_REGISTRY_URL: registry.url, LYNX_TOKEN: registry.tokens.operator, LYNX_ROUTER_MODELS: MODEL,
    NODE_OPTIONS: '--max-old-space-size=192', LYNX_LOG_LEVEL: 'info', LYNX_HOST: '127.0.0.1', LYNX_ROUTER_PORT: '0',
  }, ['--single-threaded-gc']);
  return {
    name: 'Lynx router', url: router.url, path: '/v1/chat/completions', body: body(MODEL), headers: { authorization: `Bearer ${registry.tokens.reader}` },
    stop: () => router.stop(), stopRegistry: () => registry.stop(),
  };
}

export async function routerPeers(o: { seconds: number; rate: number; rounds: number; concurrency: number }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lynx-peers-router-'));
  const upstream = await startUpstream();
  const gateways: Gateway[] = [];
  const missing: string[] = [];
  let lynx: Awaited<ReturnType<typeof startLynx>> | undefined;
  try {
    lynx = await startLynx(dir, upstream.url);
    gateways.push(lynx);
    for (const [name, start] of [['LiteLLM proxy', startLitellm], ['Portkey AI Gateway', startPortkey]] as const) {
      process.stderr.write(`starting ${name}…\n`);
      try {
        gateways.push(await start(dir, upstream.url));
      } catch (err) {
        missing.push(`${name} could not be run here: ${(err as Error).message.split('\n')[0]}`);
      }
    }
    const direct = { url: upstream.url, path: '/chat/completions', body: body('lora'), headers: {} as Record<string, string> };
    const open = (name: string, g: { url: string; path: string; body: string; headers: Record<string, string> }) =>
      runOpenLoad(name, g.url, g.path, g.body, { seconds: o.seconds, rate: o.rate, connections: 16, headers: g.headers, pids: { upstream: upstream.pid } });
    // Warm every path (JIT, connection pools, the router's plan) before anything is measured.
    for (const g of gateways) await runLoad(`warm ${g.name}`, g.url, g.path, g.body, { seconds: 3, concurrency: 8, headers: g.headers });
    const fixed = new Map<string, Array<{ routed: Phase; direct: Phase }>>(gateways.map((g) => [g.name, []]));
    const total = o.rounds * gateways.length;
    let done = 0;
    for (let round = 0; round < o.rounds; round++) {
      const order = round % 2 === 0 ? gateways : [...gateways].reverse();
      for (const g of order) {
        process.stderr.write(`\rfixed rate: ${++done}/${total} (${g.name}, round ${round + 1})        `);
        const d = await open(`direct, round ${round + 1}`, direct);
        fixed.get(g.name)!.push({ direct: d, routed: await open(`${g.name}, round ${round + 1}`, g) });
      }
    }
    process.stderr.write('\nclosed loop…\n');
    const closed = (g: { url: string; path: string; body: string; headers: Record<string, string> }) =>
      runLoad('closed', g.url, g.path, g.body, { seconds: o.seconds, concurrency: o.concurrency, headers: g.headers });
    const directRate = rate(await closed(direct));
    const throughput = new Map<string, number>();
    for (const g of gateways) throughput.set(g.name, rate(await closed(g)));

    const added = (name: string, p: number) => {
      const xs = fixed.get(name)!.map((r) => pct(r.routed.latencies, p) - pct(r.direct.latencies, p)).sort((a, b) => a - b);
      return xs[Math.floor((xs.length - 1) / 2)];
    };
    const errors = (name: string) => fixed.get(name)!.reduce((n, r) => n + (r.routed.errors ?? 0), 0);
    const lynxP99 = added(lynx.name, 99);
    const rows = gateways.map((g) => [
      g.name,
      `${fmt(added(g.name, 50), 2)} / ${fmt(added(g.name, 99), 2)}`,
      g === lynx ? '—' : `${fmt(added(g.name, 99) / lynxP99, 1)}×`,
      `${fmt(throughput.get(g.name)!, 0)} (${fmt(throughput.get(g.name)! / directRate, 2)} of direct)`,
      g === lynx ? '—' : `${fmt(throughput.get(lynx!.name)! / throughput.get(g.name)!, 1)}×`,
      String(errors(g.name)),
    ]);
    printTable(
      `Router vs LLM gateways, same zero-work upstream: added latency at ${o.rate} req/s open loop on 16 connections (${o.rounds} rounds × ${o.seconds} s, gateway minus direct per round, median of rounds); throughput closed loop, ${o.concurrency} callers, ${o.seconds} s (direct: ${fmt(directRate, 0)} req/s)`,
      ['gateway', 'added p50 / p99 ms', 'peer added p99 / Lynx added p99', 'throughput req/s', 'Lynx throughput / peer', 'errors at fixed rate'],
      rows,
    );
    const goals: string[][] = [];
    const lite = gateways.find((g) => g.name.startsWith('LiteLLM'));
    const port = gateways.find((g) => g.name.startsWith('Portkey'));
    if (lite) goals.push(['Lynx added p99 ≥ 10× lower than LiteLLM', `${fmt(added(lite.name, 99) / lynxP99, 1)}×`, verdict(added(lite.name, 99) / lynxP99 >= 10)]);
    if (port) goals.push(['Lynx added p99 below Portkey', `${fmt(lynxP99, 2)} vs ${fmt(added(port.name, 99), 2)} ms`, verdict(lynxP99 < added(port.name, 99))]);
    for (const m of missing) goals.push([m, '—', 'not measured']);
    printTable('Router goals', ['goal', 'figure', 'verdict'], goals);
  } finally {
    for (const g of gateways) await g.stop();
    await lynx?.stopRegistry();
    await upstream.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
