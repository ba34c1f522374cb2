// Load generator and process accounting for the router benchmark. Every phase, direct or routed,
// runs the same closed loop: CONCURRENCY callers on one keep-alive pool of CONCURRENCY connections,
// each sending its next request as soon as the last one answered.
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface Phase {
  name: string;
  latencies: number[];
  seconds: number;
  /** CPU seconds used during the phase, by process label, plus `machine` (every process on the box). */
  cpu: Record<string, number>;
  /** 1-minute load average at the end of the phase. */
  load: number;
}

export interface LoadOptions {
  concurrency: number;
  seconds: number;
  headers?: Record<string, string>;
  /** Processes whose CPU time is reported for the phase, by label. */
  pids?: Record<string, number>;
  onSecond?: () => void;
}

export async function runLoad(name: string, baseUrl: string, path: string, body: string, o: LoadOptions): Promise<Phase> {
  const url = new URL(baseUrl);
  const pool = new Pool(url.origin, { connections: o.concurrency });
  const fullPath = url.pathname.replace(/\/$/, '') + path;
  const headers = { 'content-type': 'application/json', ...o.headers };
  const latencies: number[] = [];
  const before = cpuSnapshot(o.pids ?? {});
  const end = performance.now() + o.seconds * 1000;
  const ticker = o.onSecond ? setInterval(o.onSecond, 1000) : undefined;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        const res = await pool.request({ method: 'POST', path: fullPath, headers, body });
        await res.body.arrayBuffer();
        if (res.statusCode !== 200) throw new Error(`${name}: status ${res.statusCode}`);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(ticker);
  const after = cpuSnapshot(o.pids ?? {});
  await pool.close();
  const cpu = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));
  return { name, latencies: latencies.sort((a, b) => a - b), seconds, cpu, load: loadavg()[0] };
}

/** p-th percentile of sorted values (nearest rank). */
export const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
export const rate = (p: Phase) => p.latencies.length / p.seconds;
/** CPU microseconds per request spent by one process label during the phase. */
export const cpuPerRequest = (p: Phase, label: string) => ((p.cpu[label] ?? NaN) / p.latencies.length) * 1e6;
/** Share of the machine's CPU capacity busy during the phase (all processes, ours and others'). */
export const machineBusy = (p: Phase) => p.cpu.machine / (p.seconds * cpus().length);

export const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

const TICKS = 100; // USER_HZ on Linux

function procCpu(pid: number): number {
  try {
    // Fields after the command name (which may contain spaces): utime is the 12th, stime the 13th.
    const rest = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(rest[11]) + Number(rest[12])) / TICKS;
  } catch {
    return NaN;
  }
}

function machineCpu(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
  return (f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0)) / TICKS;
}

function cpuSnapshot(pids: Record<string, number>): Record<string, number> {
  const own = process.cpuUsage();
  const snap: Record<string, number> = { loadgen: (own.user + own.system) / 1e6, machine: machineCpu() };
  for (const [label, pid] of Object.entries(pids)) snap[label] = procCpu(pid);
  return snap;
}

/** The nats-server process serving `natsUrl`'s port, when it runs on this machine (best effort). */
export function natsServerPid(natsUrl: string): number | undefined {
  const port = new URL(natsUrl).port || '4222';
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!args[0]?.endsWith('nats-server')) continue;
      const p = args.indexOf('-p') >= 0 ? args[args.indexOf('-p') + 1] : args.find((a) => a.startsWith('--port='))?.slice(7);
      if ((p ?? '4222') === port) return Number(entry);
    } catch {
      /* process gone */
    }
  }
  return undefined;
}
