// CPU placement for the router benchmark. On a small machine the proxy under test, the load
// generator, the upstream and nats-server take turns on the same cores, and the proxy's tail
// latency then measures the scheduler more than the proxy. As Istio's benchmark runs the client,
// the server and the sidecar's proxy on CPUs of their own, the bench pins the proxy under test
// (each router, and nginx) to the last CPU and everything else (this process and every child it
// starts, and nats-server for the length of the run) to the others. ROUTER_BENCH_PIN=off keeps the
// old placement, everything on every CPU.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

export interface Placement {
  /** How the cores are shared, for the report. */
  describe: string;
  /** Moves a proxy under test (every thread of it) to its own CPU. */
  proxy(pid: number): void;
  /** Moves a process started elsewhere (nats-server) to the load CPUs until restore(). */
  borrow(pid: number): void;
  /** Gives borrowed processes their CPUs back. */
  restore(): void;
}

const taskset = (...args: string[]) => execFileSync('taskset', args, { encoding: 'utf8' });

function hasTaskset(): boolean {
  try {
    taskset('-p', String(process.pid));
    return true;
  } catch {
    return false;
  }
}

export function placeCpus(env = process.env): Placement {
  const n = cpus().length;
  if (env.ROUTER_BENCH_PIN === 'off' || n < 2 || !hasTaskset()) {
    const why = env.ROUTER_BENCH_PIN === 'off' ? 'ROUTER_BENCH_PIN=off' : n < 2 ? 'one CPU' : 'taskset not found (apt-get install util-linux)';
    return { describe: `CPUs shared by every process (${why})`, proxy: () => undefined, borrow: () => undefined, restore: () => undefined };
  }
  const proxyCpu = String(n - 1);
  const loadCpus = n === 2 ? '0' : `0-${n - 2}`;
  // Children started from now on inherit the load CPUs.
  taskset('-a', '-p', '-c', loadCpus, String(process.pid));
  const borrowed = new Map<number, string>();
  const restore = () => {
    for (const [pid, mask] of borrowed) {
      try {
        taskset('-a', '-p', mask, String(pid));
      } catch {
        /* process gone */
      }
    }
    borrowed.clear();
  };
  process.once('exit', restore);
  return {
    describe: `proxy under test on CPU ${proxyCpu}; load generator, upstreams, registry and nats-server on CPU ${loadCpus}`,
    proxy: (pid) => void taskset('-a', '-p', '-c', proxyCpu, String(pid)),
    borrow: (pid) => {
      const mask = /:\s*([0-9a-f]+)\s*$/i.exec(taskset('-p', String(pid)))?.[1];
      if (mask && !borrowed.has(pid)) borrowed.set(pid, mask);
      taskset('-a', '-p', '-c', loadCpus, String(pid));
    },
    restore,
  };
}
