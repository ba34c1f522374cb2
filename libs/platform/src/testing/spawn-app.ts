// Test fixture: a Lynx app as its own process, started from its main.ts as `npm start` runs it,
// so a test can kill it with a real SIGKILL and start it again. It logs at info: the "listening"
// line gives its URL.
import { resolve } from 'node:path';
import { spawnListening, type ListeningChild } from './spawn-listening';

const REPO_ROOT = resolve(__dirname, '../../../..');

export interface LynxAppProcess extends ListeningChild {
  /** SIGKILL: no shutdown hook runs, nothing is flushed or acked. */
  kill(): Promise<void>;
}

/** Starts `apps/<app>/src/main.ts` on a free port with `env` over this process's environment. */
export async function spawnLynxApp(app: string, env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<LynxAppProcess> {
  const child = await spawnListening(['-r', './tools/register.js', `apps/${app}/src/main.ts`], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, LYNX_LOG_LEVEL: 'info', LYNX_HOST: '127.0.0.1', [`LYNX_${app.toUpperCase().replace(/-/g, '_')}_PORT`]: '0' },
    label: app,
    timeoutMs,
  });
  const kill = () =>
    new Promise<void>((done) => {
      if (child.proc.exitCode !== null || child.proc.signalCode !== null) return done();
      child.proc.once('exit', () => done());
      child.proc.kill('SIGKILL');
    });
  return { ...child, kill };
}
