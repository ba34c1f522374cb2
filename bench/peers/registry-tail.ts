// Where the registry's slow reads go: bench/peers's three registry reads (and /healthz, which
// touches no database) against the embedded registry alone, round-robin, one at a time, with
// p50/p90/p99/max and a histogram per read. Options:
//   --versions N   versions seeded as bench/peers seeds them (default 10 000)
//   --samples N    GETs per read after 20 warm-ups (default 1 000)
//   --mlflow       an idle `mlflow server` up during the reads, as in bench/peers (its CPU is printed)
//   --probe        the registry preloads registry-tail-probe.ts; the slowest 2 % of each read are
//                  split into the server's database calls, GC pauses and the rest
//   node -r ./tools/register.js bench/peers/registry-tail.ts --probe
// LYNX_TAIL_NODE_ARGS adds node flags to the registry (e.g. "--trace-gc").
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { request } from 'undici';
import { cleanupNamespace, freePort, startMlflowServer, type MlflowServer } from '@lynx/platform/testing';
import { bundleApp, nodeArgsFrom, startBundledApp } from '../common/bundled-app';
import type { ProbeDump } from './registry-tail-probe';
import { seedLynx } from './registry.peer';
import { quantile, sleep } from './report';

/** The registry's namespace in this run, cleaned at the end. */
const NAMESPACE = `tail${process.pid}`;

type Sample = [read: string, epochStart: number, ms: number];

async function get(url: string): Promise<number> {
  const t = performance.now();
  const res = await request(url);
  await res.body.text();
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode}`);
  return performance.now() - t;
}

/** CPU seconds used so far by a process group (`mlflow server` starts its workers in its own). */
function groupCpuSeconds(pgid: number): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      /* exited meanwhile */
    }
  }
  return ticks / 100;
}

function mlflowGroup(server: MlflowServer): number {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(server.dir) && cmd.includes('server')) return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[2]);
    } catch {
      /* exited meanwhile */
    }
  }
  throw new Error('mlflow server process not found');
}

function report(samples: Sample[], probe?: ProbeDump): void {
  const reads = [...new Set(samples.map((s) => s[0]))];
  const at = (t: number) => (probe ? probe.origin + t : t);
  for (const read of reads) {
    const mine = samples.filter((s) => s[0] === read);
    const ms = mine.map((s) => s[2]).sort((a, b) => a - b);
    const bins = [2, 5, 10, 20, 50, Infinity].map((hi, i, all) => {
      const lo = i ? all[i - 1] : 0;
      return `${lo}–${hi}: ${ms.filter((x) => x >= lo && x < hi).length}`;
    });
    const q = (p: number) => quantile(ms, p).toFixed(2);
    process.stdout.write(`${read.padEnd(8)} p50 ${q(0.5)} p90 ${q(0.9)} p99 ${q(0.99)} max ${ms[ms.length - 1].toFixed(2)} ms | ${bins.join(', ')}\n`);
    if (!probe) continue;
    // The slowest 2 %: how much of each lay in the server's database calls and GC pauses.
    let total = 0, db = 0, gc = 0, withGc = 0;
    for (const [, start, took] of mine.filter((s) => s[2] >= quantile(ms, 0.98))) {
      const end = start + took;
      const overlap = (a: number, b: number) => Math.max(0, Math.min(at(b), end) - Math.max(at(a), start));
      const g = probe.gc.reduce((sum, [a, b]) => sum + overlap(a, b), 0);
      total += took;
      gc += g;
      withGc += g > 0 ? 1 : 0;
      db += probe.db.reduce((sum, [a, b]) => sum + overlap(a, b), 0);
    }
    process.stdout.write(`         slowest 2 %: ${total.toFixed(0)} ms = database ${db.toFixed(0)} + GC ${gc.toFixed(0)} (in ${withGc} of them) + rest ${(total - db - gc).toFixed(0)}\n`);
  }
  if (probe) {
    const first = Math.min(...samples.map((s) => s[1])) - probe.origin;
    const during = probe.gc.filter(([a]) => a >= first);
    const kinds = [1, 2, 4, 8].map((k) => `${k}: ${during.filter((g) => g[2] === k).length}`).join(', ');
    const gcs = during.map(([a, b]) => b - a).sort((x, y) => x - y);
    const background = probe.db.filter(([a, , sql]) => a >= first && /outbox|VACUUM/.test(sql));
    process.stdout.write(`server GC during the reads: ${gcs.length} pauses (by kind ${kinds}), p50 ${quantile(gcs, 0.5)?.toFixed(2)} max ${gcs[gcs.length - 1]?.toFixed(2)} ms; background database calls (outbox relay, VACUUM): ${background.length}, longest ${Math.max(0, ...background.map(([a, b]) => b - a)).toFixed(1)} ms\n`);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
  const versions = option('--versions', 10_000);
  const samples = option('--samples', 1000);
  const dir = mkdtempSync(join(tmpdir(), 'lynx-registry-tail-'));
  const probeOut = join(dir, 'probe.json');
  let mlflow: MlflowServer | undefined;
  try {
    const script = await bundleApp('registry', join(dir, 'build'));
    await seedLynx(join(dir, 'data'), versions);
    const port = await freePort();
    // The probe is compiled to plain JS, so the registry does not run under the TypeScript loader.
    const probeJs = join(dir, 'probe.js');
    if (args.includes('--probe')) buildSync({ entryPoints: [join(__dirname, 'registry-tail-probe.ts')], outfile: probeJs, platform: 'node', format: 'cjs', logLevel: 'warning' });
    const probeArgs = args.includes('--probe') ? ['-r', probeJs] : [];
    const child = await startBundledApp(script, {
      LYNX_DATA_DIR: join(dir, 'data'), LYNX_REGISTRY_PORT: String(port), LYNX_ENV: 'dev', LYNX_LOG_LEVEL: 'info',
      LYNX_NAMESPACE: NAMESPACE, LYNX_TAIL_PROBE_OUT: probeOut,
    }, [...nodeArgsFrom('LYNX_TAIL_NODE_ARGS'), ...probeArgs], 300_000);
    // The seeded versions' events leave through the outbox relay first (as they do in bench/peers
    // while MLflow is seeded); the reads start once that is over.
    await sleep(30_000);
    let cpu = () => 0;
    if (args.includes('--mlflow')) {
      mlflow = await startMlflowServer({ timeoutMs: 900_000 });
      const group = mlflowGroup(mlflow);
      await sleep(10_000);
      const before = groupCpuSeconds(group);
      cpu = () => groupCpuSeconds(group) - before;
    }
    const base = `http://127.0.0.1:${port}`;
    const reads: Record<string, string> = {
      healthz: `${base}/healthz`,
      list: `${base}/v1/models/bench/versions?limit=50`,
      alias: `${base}/v1/models/bench/aliases/staging`,
      tag: `${base}/v1/models/bench/versions?tag=i=3&limit=50`,
    };
    const names = Object.keys(reads);
    const out: Sample[] = [];
    const started = performance.now();
    // Round-robin, so each read (and the database-free /healthz) sees the same machine.
    for (let i = 0; i < samples + 20; i++) {
      for (let k = 0; k < names.length; k++) {
        const read = names[(i + k) % names.length];
        const epoch = performance.timeOrigin + performance.now();
        const ms = await get(reads[read]);
        if (i >= 20) out.push([read, epoch, ms]);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    if (mlflow) process.stdout.write(`idle mlflow server's process group: ${cpu().toFixed(2)} CPU s during ${seconds.toFixed(1)} s of reads\n`);
    await child.stop();
    report(out, args.includes('--probe') ? (JSON.parse(readFileSync(probeOut, 'utf8')) as ProbeDump) : undefined);
  } finally {
    await mlflow?.stop();
    await cleanupNamespace(NAMESPACE).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
