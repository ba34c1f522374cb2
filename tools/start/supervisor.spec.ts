import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appCommands, discoverApps } from './apps';
import { AppCommand, Supervisor } from './supervisor';

jest.setTimeout(20_000);

// Tiny real programs standing in for apps: one well-behaved, one that crashes, one that ignores SIGTERM.
const SCRIPTS = {
  steady: `process.on('SIGTERM', () => { console.log('bye'); process.exit(0); }); console.log('ready'); setInterval(() => {}, 1000);`,
  crasher: `console.error('boom'); process.exit(3);`,
  stubborn: `process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('ready'); setInterval(() => {}, 1000);`,
};

function app(name: keyof typeof SCRIPTS): AppCommand {
  return { name, command: process.execPath, args: ['-e', SCRIPTS[name]] };
}

/** Resolves when the app logs `text`; call before start() so the line cannot be missed. */
function lineSeen(sup: Supervisor, app: string, text: string): Promise<void> {
  return new Promise((resolve) => {
    const onLine = (name: string, line: string) => {
      if (name === app && line === text) {
        sup.off('line', onLine);
        resolve();
      }
    };
    sup.on('line', onLine);
  });
}

describe('Supervisor', () => {
  it('prefixes each app log line and stops apps with SIGTERM', async () => {
    const lines: string[] = [];
    const sup = new Supervisor([app('steady')], { write: (l) => lines.push(l) });
    const ready = lineSeen(sup, 'steady', 'ready');
    sup.start();
    await ready;
    expect(await sup.stop()).toBe(0);
    expect(lines).toContain('[steady] bye');
    expect(lines).toContain('[steady] stopped (code 0)');
  });

  it('restarts a crashing app with growing delays, then gives up and reports failure', async () => {
    const lines: string[] = [];
    const delays: number[] = [];
    const sup = new Supervisor([app('crasher')], { write: (l) => lines.push(l), initialDelayMs: 5, maxRestarts: 3 });
    sup.on('restart', (_name: string, _attempt: number, delay: number) => delays.push(delay));
    const gaveUp = once(sup, 'giveup');
    sup.start();
    await gaveUp;
    expect(delays).toEqual([5, 10, 20]);
    expect(lines.filter((l) => l === '[crasher] boom')).toHaveLength(4);
    expect(await sup.done).toBe(1);
  });

  it('keeps other apps running when one gives up, and SIGKILLs an app that ignores SIGTERM', async () => {
    const lines: string[] = [];
    const exits: Array<[string, number | null, string | null]> = [];
    const sup = new Supervisor([app('crasher'), app('stubborn')], { write: (l) => lines.push(l), initialDelayMs: 1, maxRestarts: 1, stopTimeoutMs: 200 });
    sup.on('exit', (name: string, code: number | null, signal: string | null) => exits.push([name, code, signal]));
    const gaveUp = once(sup, 'giveup');
    const ready = lineSeen(sup, 'stubborn', 'ready');
    sup.start();
    await Promise.all([gaveUp, ready]);
    expect(await sup.stop()).toBe(0);
    expect(lines).toContain('[stubborn] ignoring SIGTERM');
    expect(exits).toContainEqual(['stubborn', null, 'SIGKILL']);
  });

  it('finishes at once with no apps', async () => {
    const sup = new Supervisor([]);
    sup.start();
    expect(await sup.done).toBe(0);
  });
});

describe('app discovery', () => {
  it('finds apps/<name>/src/main.ts except the cli, and requires a build for --built', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lynx-start-'));
    for (const name of ['cli', 'router', 'registry', 'notes']) fs.mkdirSync(path.join(root, 'apps', name, 'src'), { recursive: true });
    for (const name of ['cli', 'router', 'registry']) fs.writeFileSync(path.join(root, 'apps', name, 'src', 'main.ts'), '');
    expect(discoverApps(root)).toEqual(['registry', 'router']);
    expect(appCommands(root, ['router'], false)[0].args).toEqual(['-r', './tools/register.js', 'apps/router/src/main.ts']);
    expect(() => appCommands(root, ['router'], true)).toThrow('npx nx build router');
    expect(discoverApps(path.join(root, 'nowhere'))).toEqual([]);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
