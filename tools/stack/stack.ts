import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { hostPort, isLocalHost, StackConfig } from './config';
import { findBinary, isOurs, readPid, stopProcess } from './local-process';
import { defaultPort, pidFileOf, runDir, ServiceSpec, services } from './services';

export type StartedBy = 'lynx' | 'external';

export interface ServiceState {
  service: string;
  url: string;
  state: 'up' | 'down';
  startedBy?: StartedBy;
  pid?: number;
  detail: string;
}

/** A failure the user can act on: printed as is, exit non-zero. */
export class StackError extends Error {}

const READY_TIMEOUT_MS = 10_000;

/** Uses each service where it answers, starts it locally otherwise; throws StackError naming the fix. */
export async function up(config: StackConfig, log: (line: string) => void = () => undefined): Promise<ServiceState[]> {
  const states: ServiceState[] = [];
  for (const spec of services(config)) {
    const probe = await spec.probe(spec.url);
    if (probe.up) {
      const pid = ourPid(config, spec);
      const state: ServiceState = { service: spec.name, url: spec.url, state: 'up', startedBy: pid ? 'lynx' : 'external', pid, detail: probe.detail };
      log(`${spec.name}: using ${spec.url} (${probe.detail}${pid ? `, started by lynx, pid ${pid}` : ''})`);
      states.push(state);
      continue;
    }
    states.push(await start(config, spec, probe.detail, log));
  }
  return states;
}

async function start(config: StackConfig, spec: ServiceSpec, why: string, log: (line: string) => void): Promise<ServiceState> {
  const { host, port } = hostPort(spec.url, defaultPort(spec.name));
  if (!spec.localStart) throw new StackError(`${spec.name} at ${spec.url}: ${why}.\n${spec.installHint}`);
  if (!why.startsWith('no answer')) throw new StackError(`${spec.name} at ${spec.url} ${why}.`);
  if (!isLocalHost(host)) {
    throw new StackError(`${spec.name} at ${spec.url}: ${why}. It is not on this machine, so Lynx cannot start it; start it there or point the URL at 127.0.0.1.`);
  }
  const pidFile = pidFileOf(config, spec.name);
  const plan = spec.localStart(port, pidFile);
  const binary = findBinary(plan.binary, config.searchPath);
  if (!binary) throw new StackError(`${spec.name} does not answer at ${spec.url} and ${spec.installHint}`);

  fs.mkdirSync(runDir(config), { recursive: true });
  fs.mkdirSync(plan.dataDir, { recursive: true });
  log(`${spec.name}: nothing answers at ${spec.url}; starting ${binary} ${plan.args.join(' ')}`);
  const exited = launch(binary, plan.args, plan.daemonizes, pidFile);
  await waitReady(spec, exited, plan.logFile);
  const pid = readPid(pidFile);
  log(`${spec.name}: started by lynx (pid ${pid}, data ${plan.dataDir})`);
  return { service: spec.name, url: spec.url, state: 'up', startedBy: 'lynx', pid, detail: `data in ${plan.dataDir}` };
}

/** Starts the server detached so it outlives this command; resolves with an exit reason if it dies early. */
function launch(binary: string, args: string[], daemonizes: boolean, pidFile: string): Promise<string> {
  const child = spawn(binary, args, { detached: true, stdio: 'ignore' });
  if (!daemonizes && child.pid) fs.writeFileSync(pidFile, `${child.pid}\n`);
  child.unref();
  return new Promise((resolve) => {
    child.on('error', (err) => resolve(err.message));
    // A daemonizing server's launcher exits 0 after forking; only a non-zero exit is a failure.
    child.on('exit', (code, sig) => {
      if (!daemonizes || code !== 0) resolve(`exited with ${sig ?? `code ${code}`}`);
    });
  });
}

async function waitReady(spec: ServiceSpec, exited: Promise<string>, logFile: string): Promise<void> {
  let died: string | undefined;
  void exited.then((reason) => (died = reason));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    if (died) throw new StackError(`${spec.name} ${died} before answering at ${spec.url}.${logTail(logFile)}`);
    if ((await spec.probe(spec.url)).up) return;
    if (Date.now() + delay > deadline) {
      throw new StackError(`${spec.name} was started but did not answer at ${spec.url} within ${READY_TIMEOUT_MS / 1000} s.${logTail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

function logTail(file: string): string {
  try {
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-5);
    return `\nLast lines of ${file}:\n  ${lines.join('\n  ')}`;
  } catch {
    return '';
  }
}

/** Pid of a server that `up` started and that still runs, from its pidfile. */
function ourPid(config: StackConfig, spec: ServiceSpec): number | undefined {
  if (!spec.localStart) return undefined;
  const pid = readPid(pidFileOf(config, spec.name));
  const binary = spec.localStart(0, '').binary;
  return pid && isOurs(pid, binary) ? pid : undefined;
}

/** Stops only the servers `up` started (found by their pidfiles); external services are left alone. */
export async function down(config: StackConfig, log: (line: string) => void = () => undefined): Promise<string[]> {
  const stopped: string[] = [];
  for (const spec of services(config)) {
    if (!spec.localStart) continue;
    const pidFile = pidFileOf(config, spec.name);
    const pid = ourPid(config, spec);
    if (pid) {
      const how = await stopProcess(pid, spec.localStart(0, '').binary);
      log(`${spec.name}: ${how} (pid ${pid})`);
      stopped.push(spec.name);
    } else {
      log(`${spec.name}: not started by lynx; left alone`);
    }
    fs.rmSync(pidFile, { force: true });
  }
  return stopped;
}

export async function status(config: StackConfig): Promise<ServiceState[]> {
  return Promise.all(
    services(config).map(async (spec) => {
      const probe = await spec.probe(spec.url);
      const pid = ourPid(config, spec);
      const startedBy: StartedBy | undefined = pid ? 'lynx' : probe.up ? 'external' : undefined;
      return { service: spec.name, url: spec.url, state: probe.up ? 'up' : 'down', startedBy, pid, detail: probe.detail } as ServiceState;
    }),
  );
}

export function formatTable(states: ServiceState[]): string {
  const rows = [['service', 'url', 'state', 'started-by'], ...states.map((s) => [s.service, s.url, s.state, s.startedBy ?? '-'])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
