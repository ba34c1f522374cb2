import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { trainAllVariants } from '@lynx/tutor/testing';

const repo = resolve(__dirname, '../../../..');

function lynx(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('node', ['tools/bin/lynx.js', ...args], { cwd: repo, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      done({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

// `lynx gate evaluate` in process against the committed baseline (no registry needed for folders).
// Each run evaluates the 15 816-item eval set in a child process: seconds, more on a loaded machine.
jest.setTimeout(180_000);

describe('lynx gate evaluate / lynx gate power', () => {
  let dir: string;
  let dirs: Record<'base' | 'lora' | 'regressed', string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lynx-cli-gate-'));
    dirs = (await trainAllVariants(dir)).dirs;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('exits 0 for lora with the paired table and the power section; --json carries the same', async () => {
    const text = await lynx('gate', 'evaluate', '--candidate', dirs.lora, '--base', dirs.base);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^bucket\s+gates\s+n\s+baseline\s+candidate\s+b\s+c\s+diff\s+lower\s+upper\s+verdict$/m);
    expect(text.stdout).toMatch(/power of the eval set/);
    expect(text.stdout).toMatch(/gate: PASS/);
    const json = await lynx('gate', 'evaluate', '--candidate', dirs.lora, '--base', dirs.base, '--json');
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out).toMatchObject({ passed: true, verdict: 'pass', alpha: 0.05, fail_alpha: 0.01, failing: [], inconclusive: [] });
    expect(out.candidate_outcomes_digest).toMatch(/^sha256:/);
    expect(out.candidate.items).toBeUndefined();
    expect(out.buckets.find((b: { bucket: string }) => b.bucket === 'verb.be')).toMatchObject({ gating: true, b: 0, c: 0, verdict: 'pass' });
    expect(out.power.buckets.length).toBe(out.buckets.length);
  });

  it('exits 1 for regressed naming its failing buckets, and 3 when the evidence cannot decide (a tolerance finer than the eval set resolves)', async () => {
    const fail = await lynx('gate', 'evaluate', '--candidate', dirs.regressed);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toMatch(/gate: FAIL \([^)]*tense\.past_participle/);
    const unsure = await lynx('gate', 'evaluate', '--candidate', dirs.lora, '--base', dirs.base, '--tolerance', '0.001');
    expect(unsure.code).toBe(3);
    expect(unsure.stdout).toMatch(/gate: INCONCLUSIVE \(/);
    expect(unsure.stderr).toMatch(/inconclusive/);
  });

  it('lynx baseline update from a gate eval keeps the outcomes beside the baseline by digest; base against its own baseline passes', async () => {
    const ws = join(dir, 'ws');
    await mkdir(join(ws, 'data', 'eval'), { recursive: true });
    await copyFile(join(repo, 'data', 'eval', 'grammar-eval.jsonl'), join(ws, 'data', 'eval', 'grammar-eval.jsonl'));
    await copyFile(join(repo, 'eval_baseline.json'), join(ws, 'eval_baseline.json'));
    const out = join(dir, 'base-eval.json');
    expect((await lynx('gate', 'evaluate', '--candidate', dirs.base, '--out', out)).code).toBe(1); // base is far below lora
    const update = await lynx('baseline', 'update', '--from', out, '--reason', 'base as the baseline', '--baseline', join(ws, 'eval_baseline.json'));
    expect(update.code).toBe(0);
    const written = JSON.parse(await readFile(join(ws, 'eval_baseline.json'), 'utf8'));
    expect(written).toMatchObject({ outcomes_path: 'data/eval/baseline-outcomes.jsonl', alpha: 0.05, fail_alpha: 0.01 });
    expect(written.gating).toContain('tense.past_participle');
    const self = await lynx('gate', 'evaluate', '--candidate', dirs.base, '--baseline', join(ws, 'eval_baseline.json'), '--eval-set', join(ws, 'data', 'eval', 'grammar-eval.jsonl'));
    expect(self.code).toBe(0);
    expect(self.stdout).toMatch(/gate: PASS/);
  });

  it('lynx gate power prints per bucket what the eval set can decide (--json too)', async () => {
    const text = await lynx('gate', 'power');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/tense\.past_participle\s+yes\s+\d+\s+1627/);
    expect(text.stdout).toMatch(/verb\.find\s+no \(report only\)/);
    const json = JSON.parse((await lynx('gate', 'power', '--json')).stdout);
    expect(json).toMatchObject({ tolerance: 0.02, alpha: 0.05, failAlpha: 0.01, gatingCount: 18 });
    const bad = await lynx('gate', 'power', '--discordance', '2');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--discordance must be a fraction/);
  });
});
