import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppCommand } from './supervisor';

/** Apps that `npm start` runs: every apps/<name>/src/main.ts except the cli, which is a command, not a service. */
export function discoverApps(root: string): string[] {
  const appsDir = path.join(root, 'apps');
  if (!fs.existsSync(appsDir)) return [];
  return fs
    .readdirSync(appsDir)
    .filter((name) => name !== 'cli' && fs.existsSync(path.join(appsDir, name, 'src', 'main.ts')))
    .sort();
}

/** Sources through SWC (as `nx serve`), or the bundles `nx build` wrote when `built`. */
export function appCommands(root: string, names: string[], built: boolean): AppCommand[] {
  return names.map((name) => {
    if (!built) return { name, command: process.execPath, args: ['-r', './tools/register.js', `apps/${name}/src/main.ts`], cwd: root };
    const bundle = path.join('dist', 'apps', name, 'main.js');
    if (!fs.existsSync(path.join(root, bundle))) throw new Error(`${bundle} does not exist: run \`npx nx build ${name}\` first`);
    return { name, command: process.execPath, args: ['--enable-source-maps', bundle], cwd: root };
  });
}

/** The console serves pages `vite build` writes; build them once when they are missing (a fresh clone). */
export function ensureConsolePages(root: string, log: (line: string) => void): void {
  if (fs.existsSync(path.join(root, 'dist', 'apps', 'console', 'web', 'index.html'))) return;
  log('start: building the console pages (npm run console:build)');
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', 'apps/console/web/vite.config.mjs'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the console pages failed: run `npm run console:build` to see why');
}
