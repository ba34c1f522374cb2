import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppCommand, Supervisor } from '../start/supervisor';
import type { StackConfig } from '../stack/config';
import { DemoSetup, url } from './setup';
import { waitFor } from './wait';

export type DemoApp = 'registry' | 'drift-worker' | 'cost-emitter' | 'model-server' | 'router' | 'gate' | 'console';

/** The environment every app of this run shares: namespace, tokens file, stack and registry URLs. */
function commonEnv(s: DemoSetup, stack: StackConfig): NodeJS.ProcessEnv {
  return {
    LYNX_ENV: 'dev',
    LYNX_NAMESPACE: s.namespace,
    LYNX_TOKENS_FILE: s.tokensFile,
    LYNX_NATS_URL: stack.natsUrl,
    LYNX_REDIS_URL: stack.redisUrl,
    LYNX_REGISTRY_URL: url(s.ports.registry),
    LYNX_LOG_LEVEL: process.env.LYNX_LOG_LEVEL || 'warn',
  };
}

/** Per-app settings: own port, own data dir under the demo's data dir, the least role that works. */
export function appEnv(app: DemoApp, s: DemoSetup, stack: StackConfig, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const dir = (name: string) => path.join(s.dataDir, name);
  const own: Record<DemoApp, NodeJS.ProcessEnv> = {
    registry: { LYNX_REGISTRY_PORT: String(s.ports.registry), LYNX_DATA_DIR: dir('registry') },
    'model-server': { LYNX_MODEL_SERVER_PORT: String(s.ports.modelServer), LYNX_DATA_DIR: dir('model-server'), LYNX_TOKEN: s.tokens.reader },
    router: { LYNX_ROUTER_PORT: String(s.ports.router), LYNX_DATA_DIR: dir('router'), LYNX_TOKEN: s.tokens.reader },
    'drift-worker': {
      LYNX_DRIFT_WORKER_PORT: String(s.ports.drift),
      LYNX_DATA_DIR: dir('drift'),
      LYNX_TOKEN: s.tokens.trainer,
      LYNX_DRIFT_DATA_ROOT: s.root,
      // Windows close when the demo says so, not on a timer.
      LYNX_DRIFT_SCHEDULE: 'false',
      // No retrain cooldown (it defaults to one window): the window that ends experiment 2 also
      // reports on the mirrored events of another digest of the model; had it asked to retrain,
      // the cooldown would turn the drift experiment's shifted window into `watch`.
      LYNX_DRIFT_COOLDOWN_WINDOWS: '0',
    },
    'cost-emitter': {
      LYNX_COST_EMITTER_PORT: String(s.ports.cost),
      LYNX_DATA_DIR: dir('cost'),
      LYNX_TOKEN: s.tokens.operator,
      // One-second rollup windows flushed every second, so the table is current moments after a
      // replay. A window is flushed 2 s after it ends, so events still on their way (the router
      // lingers, JetStream delivers in batches, a loaded machine delays both) are usually in its
      // one post; a later one goes out as a late part of its own.
      LYNX_COST_WINDOW_SECONDS: '1',
      LYNX_COST_FLUSH_INTERVAL_SECONDS: '1',
      LYNX_COST_FLUSH_GRACE_SECONDS: '2',
      LYNX_COST_CATALOG_TTL_SECONDS: '1',
    },
    // The gate promotes a completed canary, which takes role ci.
    gate: { LYNX_GATE_PORT: String(s.ports.gate), LYNX_DATA_DIR: dir('gate'), LYNX_TOKEN: s.tokens.ci },
    // The console calls every service as its signed-in user; it holds no token of its own.
    console: {
      LYNX_CONSOLE_PORT: String(s.ports.console),
      LYNX_ROUTER_URL: url(s.ports.router),
      LYNX_GATE_URL: url(s.ports.gate),
      LYNX_DRIFT_URL: url(s.ports.drift),
      LYNX_COST_EMITTER_URL: url(s.ports.cost),
    },
  };
  return { ...commonEnv(s, stack), ...own[app], ...extra };
}

const PORT_OF: Record<DemoApp, keyof DemoSetup['ports']> = {
  registry: 'registry',
  'model-server': 'modelServer',
  router: 'router',
  'drift-worker': 'drift',
  'cost-emitter': 'cost',
  gate: 'gate',
  console: 'console',
};

/** Runs the apps of one run as child processes; logs go to runs/<id>/services.log, not the terminal. */
export class DemoServices {
  private readonly supervisors: Supervisor[] = [];
  private readonly log: fs.WriteStream;
  private readonly tails = new Map<string, string[]>();

  constructor(private readonly setup: DemoSetup, private readonly stack: StackConfig) {
    this.log = fs.createWriteStream(path.join(setup.runDir, 'services.log'), { flags: 'a' });
  }

  /** Starts the apps and resolves once each answers its probe (/readyz); rejects when one dies first. */
  async start(apps: Array<{ app: DemoApp; env?: NodeJS.ProcessEnv; probe?: string }>, opts: { readyTimeoutMs?: number } = {}): Promise<void> {
    const commands: AppCommand[] = apps.map(({ app, env }) => ({
      name: app,
      command: process.execPath,
      args: ['-r', './tools/register.js', `apps/${app}/src/main.ts`],
      cwd: this.setup.root,
      env: appEnv(app, this.setup, this.stack, env),
    }));
    // A crash during a demo is a finding to report, not something to paper over with restarts.
    const sup = new Supervisor(commands, { maxRestarts: 0, stopTimeoutMs: 5000, write: (line) => this.log.write(`${line}\n`) });
    sup.on('line', (name: string, line: string) => {
      const tail = this.tails.get(name) ?? [];
      tail.push(line);
      if (tail.length > 8) tail.shift();
      this.tails.set(name, tail);
    });
    let died: string | undefined;
    sup.on('giveup', (name: string) => (died ??= name));
    this.supervisors.push(sup);
    sup.start();
    await Promise.all(
      apps.map(({ app, probe }) =>
        waitFor(`${app} ready`, opts.readyTimeoutMs ?? 60_000, async () => {
          if (died) throw new Error(`${died} exited before it was ready:\n  ${(this.tails.get(died) ?? []).join('\n  ')}`);
          const res = await fetch(`${url(this.setup.ports[PORT_OF[app]])}${probe ?? '/readyz'}`).catch(() => undefined);
          return res?.ok ? true : undefined;
        }),
      ),
    );
  }

  /** SIGTERM to every app (SIGKILL after 5 s); resolves when all have exited. */
  async stop(): Promise<void> {
    await Promise.all(this.supervisors.map((s) => s.stop()));
    await new Promise<void>((resolve) => this.log.end(resolve));
  }
}
