// Test fixture: a private nats-server with JetStream on a free port, so a test can stop it.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, makeTempDir } from '@lynx/platform/testing';

export interface NatsServerProcess {
  url: string;
  proc: ChildProcess;
  kill(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startNatsServer(): Promise<NatsServerProcess> {
  const tmp = await makeTempDir('lynx-router-nats-');
  const port = await freePort();
  const proc = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', tmp.dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nats-server did not start: ${log}`)), 10_000);
    proc.once('exit', (code) => reject(new Error(`nats-server exited with ${code}: ${log}`)));
    proc.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const kill = () =>
    new Promise<void>((done) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return done();
      proc.once('exit', () => done());
      proc.kill('SIGKILL');
    });
  return {
    url: `nats://127.0.0.1:${port}`,
    proc,
    kill,
    async cleanup() {
      await kill();
      process.removeListener('exit', killOnExit);
      await tmp.cleanup();
    },
  };
}
