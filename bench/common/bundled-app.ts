// A Lynx app run as `nx build` ships it: tools/build/build-app.js bundles its main.ts to one JS file
// (our sources and the @lynx/* libs inside, installed packages loaded from node_modules), so a bench's
// RSS and CPU figures measure the app, not the TypeScript loader that `npm start` runs it under.
import { join, resolve } from 'node:path';
import { spawnListening, type ListeningChild } from '@lynx/platform/testing';

export const REPO = resolve(__dirname, '../..');

export type BundledApp = ListeningChild;

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
  return spawnListening([...nodeArgs, script], { cwd: REPO, env: { ...process.env, NODE_PATH: join(REPO, 'node_modules'), ...env }, label: script, timeoutMs });
}
