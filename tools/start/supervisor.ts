import { ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as readline from 'node:readline';

export interface AppCommand {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  /** Added to the supervisor's own environment for this app (ports, tokens, data dirs). */
  env?: NodeJS.ProcessEnv;
}

export interface SupervisorOptions {
  /** First restart delay; doubles per crash up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Crashes in a row before giving up on an app; a run longer than resetAfterMs clears the count. */
  maxRestarts: number;
  resetAfterMs: number;
  /** Time between SIGTERM and SIGKILL on stop. */
  stopTimeoutMs: number;
  color: boolean;
  write: (line: string) => void;
}

export const DEFAULTS: SupervisorOptions = {
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  maxRestarts: 5,
  resetAfterMs: 30_000,
  stopTimeoutMs: 10_000,
  color: false,
  write: (line) => process.stdout.write(`${line}\n`),
};

const COLORS = [36, 33, 35, 32, 34, 91, 96, 93];

interface Running {
  app: AppCommand;
  child?: ChildProcess;
  startedAt: number;
  crashes: number;
  timer?: NodeJS.Timeout;
  gaveUp: boolean;
}

/**
 * Runs apps as child processes with prefixed logs, restarts a crashed app with bounded backoff,
 * and on stop() sends SIGTERM, then SIGKILL after a timeout.
 * Events: line(name, text), spawn(name, pid), exit(name, code, signal), restart(name, attempt, delayMs), giveup(name), done(code).
 */
export class Supervisor extends EventEmitter {
  private readonly options: SupervisorOptions;
  private readonly running: Running[];
  private readonly width: number;
  private stopping = false;
  readonly done: Promise<number>;
  private finish!: (code: number) => void;

  constructor(apps: AppCommand[], options: Partial<SupervisorOptions> = {}) {
    super();
    this.options = { ...DEFAULTS, ...options };
    this.running = apps.map((app) => ({ app, startedAt: 0, crashes: 0, gaveUp: false }));
    this.width = Math.max(0, ...apps.map((a) => a.name.length));
    this.done = new Promise((resolve) => (this.finish = resolve));
    void this.done.then((code) => this.emit('done', code));
  }

  start(): void {
    if (this.running.length === 0) this.finish(0);
    for (const r of this.running) this.launch(r);
  }

  /** Stops every app; resolves once all have exited. */
  async stop(): Promise<number> {
    if (!this.stopping) {
      this.stopping = true;
      for (const r of this.running) {
        clearTimeout(r.timer);
        const child = r.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) continue;
        child.kill('SIGTERM');
        const kill = setTimeout(() => {
          this.log(r.app.name, `did not stop within ${this.options.stopTimeoutMs} ms; sending SIGKILL`);
          child.kill('SIGKILL');
        }, this.options.stopTimeoutMs);
        child.once('exit', () => clearTimeout(kill));
      }
      this.settle();
    }
    return this.done;
  }

  private launch(r: Running): void {
    const child = spawn(r.app.command, r.app.args, { cwd: r.app.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...r.app.env } });
    r.child = child;
    r.startedAt = Date.now();
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream }).on('line', (line) => this.log(r.app.name, line));
    }
    child.on('spawn', () => this.emit('spawn', r.app.name, child.pid));
    child.on('error', (err) => this.log(r.app.name, `cannot start: ${err.message}`));
    child.on('close', (code, signal) => this.exited(r, code, signal));
  }

  private exited(r: Running, code: number | null, signal: NodeJS.Signals | null): void {
    this.emit('exit', r.app.name, code, signal);
    if (this.stopping) {
      this.log(r.app.name, `stopped (${signal ?? `code ${code}`})`);
      return this.settle();
    }
    if (Date.now() - r.startedAt > this.options.resetAfterMs) r.crashes = 0;
    r.crashes += 1;
    if (r.crashes > this.options.maxRestarts) {
      r.gaveUp = true;
      this.log(r.app.name, `exited (${signal ?? `code ${code}`}) ${r.crashes} times in a row; giving up on it`);
      this.emit('giveup', r.app.name);
      return this.settle();
    }
    const delay = Math.min(this.options.initialDelayMs * 2 ** (r.crashes - 1), this.options.maxDelayMs);
    this.log(r.app.name, `exited (${signal ?? `code ${code}`}); restart ${r.crashes}/${this.options.maxRestarts} in ${delay} ms`);
    this.emit('restart', r.app.name, r.crashes, delay);
    r.timer = setTimeout(() => this.launch(r), delay);
  }

  /** Finishes when nothing runs any more: 0 after stop(), 1 when every app gave up. */
  private settle(): void {
    const alive = this.running.some((r) => !r.gaveUp && (this.stopping ? isRunning(r.child) : true));
    if (!alive) this.finish(this.stopping ? 0 : 1);
  }

  private log(name: string, line: string): void {
    this.emit('line', name, line);
    const tag = `[${name}]`.padEnd(this.width + 2);
    const color = COLORS[this.running.findIndex((r) => r.app.name === name) % COLORS.length];
    this.options.write(this.options.color ? `\x1b[${color}m${tag}\x1b[0m ${line}` : `${tag} ${line}`);
  }
}

function isRunning(child: ChildProcess | undefined): boolean {
  return !!child && child.exitCode === null && child.signalCode === null;
}
