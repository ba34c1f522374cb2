import * as path from 'node:path';
import { stackConfig } from '../stack/config';
import { StackError, up } from '../stack/stack';
import { appCommands, discoverApps, ensureConsolePages } from './apps';
import { Supervisor } from './supervisor';

const root = path.join(__dirname, '..', '..');

/** `npm start [-- --built]`: the local stack, then every app, supervised until Ctrl-C. */
export async function main(argv: string[]): Promise<number> {
  const built = argv.includes('--built');
  try {
    await up(stackConfig(), (line) => console.log(`[stack] ${line}`));
  } catch (err) {
    if (!(err instanceof StackError)) throw err;
    console.error(`start: ${err.message}`);
    return 1;
  }
  const names = discoverApps(root);
  if (names.length === 0) {
    console.log('start: no apps to run yet (an app is apps/<name>/src/main.ts; the cli runs with `npx lynx`)');
    return 0;
  }
  let commands;
  try {
    if (names.includes('console')) ensureConsolePages(root, (line) => console.log(line));
    commands = appCommands(root, names, built);
  } catch (err) {
    console.error(`start: ${(err as Error).message}`);
    return 1;
  }
  const color = !process.env.NO_COLOR && (process.stdout.isTTY || !!process.env.FORCE_COLOR);
  const supervisor = new Supervisor(commands, { color });
  console.log(`start: running ${names.join(', ')}${built ? ' (built)' : ''}; Ctrl-C stops them (the stack keeps running: npm run stack:down)`);
  const stop = (signal: string) => {
    console.log(`start: ${signal}, stopping apps`);
    void supervisor.stop();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  supervisor.start();
  return supervisor.done;
}
