// Test fixture: a private nats-server with JetStream on a free port, so a test can stop it (and
// start it again on the same port and store, as an operator restarting NATS would).
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, makeTempDir } from '@lynx/platform/testing';

export interface NatsServerProcess {
  url: string;
  proc: ChildProcess;
  kill(): Promise<void>;
  /** Starts nats-server again on the same port and store directory (streams and messages kept). */
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

function launch(port: number, dir: string): Promise<ChildProcess> {
  const proc = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  return new Promise<ChildProcess>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nats-server did not start: ${log}`)), 10_000);
    proc.once('exit', (code) => reject(new Error(`nats-server exited with ${code}: ${log}`)));
    proc.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('Server is ready')) {
        clearTimeout(timer);
        resolve(proc);
      }
    });
  });
}

export async function startNatsServer(): Promise<NatsServerProcess> {
  const tmp = await makeTempDir('lynx-router-nats-');
  const port = await freePort();
  let proc = await launch(port, tmp.dir);
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  const kill = () =>
    new Promise<void>((done) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return done();
      proc.once('exit', () => done());
      proc.kill('SIGKILL');
    });
  const server: NatsServerProcess = {
    url: `nats://127.0.0.1:${port}`,
    proc,
    kill,
    async restart() {
      await kill();
      proc = await launch(port, tmp.dir);
      server.proc = proc;
    },
    async cleanup() {
      await kill();
      process.removeListener('exit', killOnExit);
      await tmp.cleanup();
    },
  };
  return server;
}
