// Load generators and process accounting for the router benchmark.
// - runLoad: closed loop, CONCURRENCY callers on one keep-alive pool of CONCURRENCY connections,
//   each sending its next request as soon as the last one answered (saturation, throughput).
// - runOpenLoad: open loop at a fixed offered rate on a pool of N connections, as fortio's
//   `-qps R -c N` offers load. Each request has an intended send time on a fixed schedule and its
//   latency is measured from that time, so a slow answer that delays later sends is counted
//   against them too (no coordinated omission).
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { procStatusMb } from '../common/bench-files';

export interface Phase {
  name: string;
  /** How the load was offered, e.g. "closed, 32 callers" or "open, 1000/s on 16 conns". */
  mode: string;
  latencies: number[];
  seconds: number;
  /**
   * CPU seconds used during the phase, by process label, plus `machine` (every process on the box);
   * `<label>.wait`: seconds its main thread was runnable but waiting for a core (schedstat).
   */
  cpu: Record<string, number>;
  /** 1-minute load average at the end of the phase. */
  load: number;
  /** Open loop only: offered rate, and the p99 of how late the load generator sent (ms). */
  offered?: number;
  sendLagP99?: number;
  /** Open loop only: requests that failed (counted, not timed). */
  errors?: number;
  /** The events-on router's GC time during the phase (ms) and its worst event-loop delay (ms). */
  routerGcMs?: number;
  routerLagMaxMs?: number;
}

export interface LoadOptions {
  seconds: number;
  headers?: Record<string, string>;
  /** Processes whose CPU time is reported for the phase, by label. */
  pids?: Record<string, number>;
}

interface Target {
  pool: Pool;
  request: { method: 'POST'; path: string; headers: Record<string, string>; body: string };
}

function target(baseUrl: string, path: string, body: string, connections: number, headers?: Record<string, string>): Target {
  const url = new URL(baseUrl);
  const fullPath = url.pathname.replace(/\/$/, '') + path;
  return {
    pool: new Pool(url.origin, { connections }),
    request: { method: 'POST', path: fullPath, headers: { 'content-type': 'application/json', ...headers }, body },
  };
}

async function call(t: Target, name: string): Promise<void> {
  const res = await t.pool.request(t.request);
  await res.body.arrayBuffer();
  if (res.statusCode !== 200) throw new Error(`${name}: status ${res.statusCode}`);
}

function finish(name: string, mode: string, latencies: number[], seconds: number, before: Record<string, number>, pids: Record<string, number>): Phase {
  const after = cpuSnapshot(pids);
  const cpu = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));
  return { name, mode, latencies: latencies.sort((a, b) => a - b), seconds, cpu, load: loadavg()[0] };
}

export async function runLoad(name: string, baseUrl: string, path: string, body: string, o: LoadOptions & { concurrency: number }): Promise<Phase> {
  const t = target(baseUrl, path, body, o.concurrency, o.headers);
  const latencies: number[] = [];
  const before = cpuSnapshot(o.pids ?? {});
  const end = performance.now() + o.seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        await call(t, name);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const phase = finish(name, `closed, ${o.concurrency} callers`, latencies, seconds, before, o.pids ?? {});
  await t.pool.close();
  return phase;
}

export async function runOpenLoad(name: string, baseUrl: string, path: string, body: string, o: LoadOptions & { rate: number; connections: number }): Promise<Phase> {
  const t = target(baseUrl, path, body, o.connections, o.headers);
  const total = Math.round(o.rate * o.seconds);
  const interval = 1000 / o.rate;
  const latencies: number[] = [];
  const lags: number[] = [];
  let errors = 0;
  let outstanding = 0;
  const before = cpuSnapshot(o.pids ?? {});
  const t0 = performance.now();
  let sent = 0;
  await new Promise<void>((done) => {
    const settled = () => {
      if (--outstanding === 0 && sent === total) done();
    };
    // Timers fire late by up to a millisecond or so; every send that is due goes out on each
    // wake-up, each with its own intended time, so timer slack shows as latency, never as less load.
    const tick = () => {
      const now = performance.now();
      while (sent < total && t0 + sent * interval <= now) {
        const intended = t0 + sent * interval;
        sent++;
        outstanding++;
        lags.push(now - intended);
        call(t, name).then(
          () => (latencies.push(performance.now() - intended), settled()),
          () => (errors++, settled()),
        );
      }
      if (sent < total) setTimeout(tick, Math.max(0, t0 + sent * interval - performance.now()));
      else if (outstanding === 0) done();
    };
    tick();
  });
  const seconds = (performance.now() - t0) / 1000;
  const phase = finish(name, `open, ${o.rate}/s on ${o.connections} conns`, latencies, seconds, before, o.pids ?? {});
  await t.pool.close();
  lags.sort((a, b) => a - b);
  return { ...phase, offered: o.rate, sendLagP99: pct(lags, 99), errors };
}

/** p-th percentile of sorted values (nearest rank). */
export const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
export const rate = (p: Phase) => p.latencies.length / p.seconds;
/** CPU microseconds per request spent by one process label during the phase. */
export const cpuPerRequest = (p: Phase, label: string) => ((p.cpu[label] ?? NaN) / p.latencies.length) * 1e6;
/** Share of one core a process label used during the phase. */
export const coreShare = (p: Phase, label: string) => (p.cpu[label] ?? NaN) / p.seconds;
/** Milliseconds per second a label's main thread waited for a core during the phase. */
export const waitMsPerS = (p: Phase, label: string) => ((p.cpu[`${label}.wait`] ?? NaN) / p.seconds) * 1000;
/** Share of the machine's CPU capacity busy during the phase (all processes, ours and others'). */
export const machineBusy = (p: Phase) => p.cpu.machine / (p.seconds * cpus().length);

export const rssMb = (pid: number) => procStatusMb(pid, 'VmRSS');

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

/** Seconds the process's main thread has spent runnable but waiting for a core. */
function runQueueWait(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
  } catch {
    return NaN;
  }
}

function cpuSnapshot(pids: Record<string, number>): Record<string, number> {
  const own = process.cpuUsage();
  const snap: Record<string, number> = { loadgen: (own.user + own.system) / 1e6, 'loadgen.wait': runQueueWait(process.pid), machine: machineCpu() };
  for (const [label, pid] of Object.entries(pids)) {
    snap[label] = procCpu(pid);
    snap[`${label}.wait`] = runQueueWait(pid);
  }
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
