// Test fixture: a Lynx app (registry, model server) started as its own process from its main.ts,
// as `npm start` runs it.
import { resolve } from 'node:path';
import { spawnListening, type ListeningChild } from '@lynx/platform/testing';

export const REPO_ROOT = resolve(__dirname, '../../../..');

export type SpawnedApp = ListeningChild;

export function spawnApp(app: string, env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<SpawnedApp> {
  const nodeArgs = (process.env.LYNX_SPAWN_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return spawnListening([...nodeArgs, '-r', './tools/register.js', `apps/${app}/src/main.ts`], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, LYNX_LOG_LEVEL: 'info', LYNX_HOST: '127.0.0.1', [`LYNX_${app.toUpperCase().replace(/-/g, '_')}_PORT`]: '0' },
    label: app,
    timeoutMs,
  });
}
