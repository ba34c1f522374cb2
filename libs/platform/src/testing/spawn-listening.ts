// Test and bench fixture: a Lynx app as a child process, its URL taken from its "listening" log
// line, so no port is guessed.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ListeningChild {
  url: string;
  proc: ChildProcess;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<void>;
}

export interface SpawnListeningOptions {
  cwd: string;
  /** The child's whole environment. */
  env: NodeJS.ProcessEnv;
  /** Named in errors, e.g. the app. */
  label: string;
  timeoutMs?: number;
}

/** `node <args>`; resolves with the URL of its first "listening" log line, fails with its stderr. */
export function spawnListening(args: string[], o: SpawnListeningOptions): Promise<ListeningChild> {
  const timeoutMs = o.timeoutMs ?? 60_000;
  const proc = spawn(process.execPath, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
  // Never leave a child behind, even when the parent dies early.
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  proc.once('exit', () => process.removeListener('exit', killOnExit));
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const stop = () =>
    new Promise<void>((done) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return done();
      proc.once('exit', () => done());
      proc.kill('SIGTERM');
    });
  return new Promise<ListeningChild>((ok, fail) => {
    const timer = setTimeout(() => {
      proc.kill('SIGTERM');
      fail(new Error(`${o.label} did not start within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${o.label} exited with ${code}: ${stderr}`));
    });
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (!line.includes('"listening"')) return;
      try {
        const url = String(JSON.parse(line).url).replace('[::1]', '127.0.0.1');
        clearTimeout(timer);
        ok({ url, proc, stop });
      } catch {
        /* not a JSON log line */
      }
    });
  });
}
