import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { driftCommand, registerDriftCommands } from './drift';

const root = resolve(__dirname, '../../../..');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lynx-drift-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
}
function lynx(...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'tools/bin/lynx.js'), 'drift', 'compare', ...args], { cwd: root, encoding: 'utf8' });
}

describe('lynx drift compare (end to end)', () => {
  it('histograms: table with PSI/KL/JS and overall verdict, exit 0', () => {
    const r = lynx(file('r.json', '{"bins":["a","b"],"counts":[50,50]}'), file('c.json', '{"bins":["a","b"],"counts":[60,40]}'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^PSI\s+0\.0405\d\s+0\.1\s+0\.25\s+none$/m);
    expect(r.stdout).toMatch(/^overall: none/m);
  });
  it('raw samples with --json: machine output including KS, exit 1 on retrain', () => {
    const ref = file('rv.json', JSON.stringify({ values: Array.from({ length: 100 }, (_, i) => i) }));
    const cur = file('cv.json', JSON.stringify({ values: Array.from({ length: 100 }, (_, i) => i + 60) }));
    const r = lynx(ref, cur, '--json', '--bins', '5');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.kind).toBe('values');
    expect(out.bins).toHaveLength(5);
    expect(out.metrics.map((m: { metric: string }) => m.metric)).toEqual(['PSI', 'KL', 'JS', 'KS']);
    expect(out.verdict).toBe('retrain');
  });
  it.each([
    ['bad.json', 'not json', /bad\.json: not valid JSON/],
    ['neg.json', '{"bins":["a"],"counts":[-3]}', /neg\.json: counts\[0\] is negative/],
    ['short.json', '{"bins":["a","b"],"counts":[1]}', /short\.json: "bins" and "counts" must have the same length/],
  ])('malformed %s → exit 2 with a message naming the file', (name, body, message) => {
    const r = lynx(file(name, body), file('ok.json', '{"bins":["a"],"counts":[1]}'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^lynx: /);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
  it('missing file → exit 2', () => {
    const r = lynx(join(dir, 'missing.json'), join(dir, 'missing.json'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/missing\.json: cannot read the file \(no such file\)/);
  });
});

describe('driftCommand', () => {
  it('finds the existing group instead of creating a second one', () => {
    const program = new Command();
    registerDriftCommands(program);
    driftCommand(program).command('watch');
    expect(program.commands.filter((c) => c.name() === 'drift')).toHaveLength(1);
    expect(driftCommand(program).commands.map((c) => c.name())).toEqual(['compare', 'watch']);
  });
});
