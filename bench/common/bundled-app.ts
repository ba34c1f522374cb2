// A Lynx app run as `nx build` ships it: tools/build/build-app.js bundles its main.ts to one JS file
// (our sources and the @lynx/* libs inside, installed packages loaded from node_modules), so a bench's
// RSS and CPU figures measure the app, not the TypeScript loader that `npm start` runs it under.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const REPO = resolve(__dirname, '../..');

export interface BundledApp {
  /** From the app's "listening" log line. */
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Builds apps/<app> into `<outDir>/<app>/main.js` with the build `nx build` runs; returns its path. */
export async function bundleApp(app: string, outDir: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildApp } = require(join(REPO, 'tools/build/build-app.js')) as { buildApp(name: string, outRoot: string): Promise<{ outfile: string }> };
  return (await buildApp(app, outDir)).outfile;
}

/** Space-separated node flags from an environment variable (e.g. `--trace-gc`). */
export const nodeArgsFrom = (name: string): string[] => (process.env[name] ?? '').split(' ').filter(Boolean);

/**
 * Starts a bundled app (`node <nodeArgs> <script>`, this process's env plus `env`) and waits for its
 * "listening" log line. The bundle sits in a temp dir, so NODE_PATH points its requires at the
 * repo's node_modules.
 */
export function startBundledApp(script: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = [], timeoutMs = 60_000): Promise<BundledApp> {
  const proc = spawn(process.execPath, [...nodeArgs, script], { cwd: REPO, env: { ...process.env, NODE_PATH: join(REPO, 'node_modules'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  // Never leave a child behind, even when the bench dies early.
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
  return new Promise<BundledApp>((ok, fail) => {
    const timer = setTimeout(() => {
      proc.kill('SIGTERM');
      fail(new Error(`${script} did not start within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${script} exited with ${code}: ${stderr}`));
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
