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
