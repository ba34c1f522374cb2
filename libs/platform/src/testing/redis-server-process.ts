// Test fixture: a private redis-server on a free port that keeps nothing on disk, so a test can
// stop it and start it again on the same port empty, as a Redis without persistence restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port';

export interface RedisServerProcess {
  url: string;
  /** Stops it at once (SIGKILL): whatever it held is gone. */
  kill(): Promise<void>;
  /** Starts it again, empty, on the same port. */
  start(): Promise<void>;
  cleanup(): Promise<void>;
}

function launch(port: number): Promise<ChildProcess> {
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let log = '';
  return new Promise<ChildProcess>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${log}`)), 10_000);
    proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${log}`)));
    proc.stdout!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(proc);
      }
    });
  });
}

export async function startRedisServer(): Promise<RedisServerProcess> {
  const port = await freePort();
  let proc: ChildProcess | undefined = await launch(port);
  const killOnExit = () => proc?.kill('SIGKILL');
  process.once('exit', killOnExit);
  const kill = () =>
    new Promise<void>((done) => {
      const p = proc;
      proc = undefined;
      if (!p || p.exitCode !== null || p.signalCode !== null) return done();
      p.once('exit', () => done());
      p.kill('SIGKILL');
    });
  return {
    url: `redis://127.0.0.1:${port}`,
    kill,
    async start() {
      await kill();
      proc = await launch(port);
    },
    async cleanup() {
      await kill();
      process.removeListener('exit', killOnExit);
    },
  };
}
