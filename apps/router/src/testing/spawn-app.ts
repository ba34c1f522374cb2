// Test fixture: a Lynx app (registry, model server) started as its own process from its main.ts,
// as `npm start` runs it. The URL comes from its "listening" log line, so no port is guessed.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const REPO_ROOT = resolve(__dirname, '../../../..');

export interface SpawnedApp {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

export async function spawnApp(app: string, env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<SpawnedApp> {
  const proc = spawn(process.execPath, [...(process.env.LYNX_SPAWN_NODE_ARGS ?? '').split(' ').filter(Boolean), '-r', './tools/register.js', `apps/${app}/src/main.ts`], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, LYNX_LOG_LEVEL: 'info', LYNX_HOST: '127.0.0.1', [`LYNX_${app.toUpperCase().replace(/-/g, '_')}_PORT`]: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Never leave a child behind, even when the test process dies early.
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  proc.once('exit', () => process.removeListener('exit', killOnExit));
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`${app} did not start within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${app} exited with ${code}: ${stderr}`));
    });
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (!line.includes('"listening"')) return;
      try {
        clearTimeout(timer);
        resolveUrl(String(JSON.parse(line).url).replace('[::1]', '127.0.0.1'));
      } catch {
        /* not a JSON log line */
      }
    });
  });
  return {
    url,
    proc,
    stop: () =>
      new Promise<void>((done) => {
        if (proc.exitCode !== null) return done();
        proc.once('exit', () => done());
        proc.kill('SIGTERM');
      }),
  };
}
