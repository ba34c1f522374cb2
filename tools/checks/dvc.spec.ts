import { execFile } from 'node:child_process';
import { appendFile, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { dvcHashOf } from '@lynx/bundle';
import { makeTempDir, pythonToolEnv, venvBin } from '@lynx/platform/testing';

// The tutor's data under DVC, checked by the real `dvc` (the project's venv) in a fresh clone of
// the committed tree: nothing to fetch, status clean, and dvc.lock's md5s equal to Lynx's own
// DVC hashes; a changed eval set stops the deploy's dvc stage and the gate with exit 2.
jest.setTimeout(180_000);

const REPO = resolve(__dirname, '../..');

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env: pythonToolEnv(env), maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

interface LockOut {
  path: string;
  md5: string;
  size: number;
  nfiles?: number;
}

describe('data under DVC', () => {
  let tmp: { dir: string; cleanup(): Promise<void> };
  let clone: string;
  let dvc: string;

  beforeAll(async () => {
    dvc = venvBin('dvc');
    tmp = await makeTempDir('lynx-dvc-clone-');
    clone = join(tmp.dir, 'repo');
    const head = (await run('git', ['rev-parse', 'HEAD'], REPO)).stdout.trim();
    // A fresh clone: new mtimes and no DVC state database, as a user's first checkout has.
    expect(await run('git', ['clone', '-q', '--no-checkout', REPO, clone], tmp.dir)).toMatchObject({ code: 0 });
    expect(await run('git', ['checkout', '-q', head], clone)).toMatchObject({ code: 0 });
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  it('is clean on a fresh clone, and dvc pull succeeds with nothing to fetch (no remote, no network)', async () => {
    const pull = await run(dvc, ['pull'], clone);
    expect([pull.code, pull.stdout]).toEqual([0, expect.stringMatching(/up to date/i)]);
    const status = await run(dvc, ['status', '--json'], clone);
    expect([status.code, JSON.parse(status.stdout)]).toEqual([0, {}]);
  });

  it("records in dvc.lock the md5s Lynx computes itself for the corpus and the eval set", async () => {
    const lock = parse(await readFile(join(clone, 'dvc.lock'), 'utf8')) as { stages: Record<string, { outs: LockOut[] }> };
    const outs = Object.values(lock.stages).flatMap((s) => s.outs);
    for (const path of ['data/corpus', 'data/eval/grammar-eval.jsonl']) {
      const locked = outs.find((o) => o.path === path);
      expect(locked).toBeDefined();
      const ours = await dvcHashOf(join(clone, path));
      expect({ path, md5: ours.md5, size: ours.size, nfiles: ours.nfiles }).toEqual({ path, md5: locked!.md5, size: locked!.size, nfiles: locked!.nfiles });
    }
    const baseline = JSON.parse(await readFile(join(clone, 'eval_baseline.json'), 'utf8'));
    expect(baseline.eval_set_dvc_hash).toBe(outs.find((o) => o.path === 'data/eval/grammar-eval.jsonl')!.md5);
  });

  it('a changed eval set: dvc status reports it, the deploy stage and the gate stop with exit 2', async () => {
    const evalSet = join(clone, 'data/eval/grammar-eval.jsonl');
    const lines = (await readFile(evalSet, 'utf8')).trimEnd().split('\n');
    await appendFile(evalSet, `${lines[0].replace(/"id":"([^"]+)"/, '"id":"$1-copy"')}\n`);

    const status = await run(dvc, ['status', '--json'], clone);
    expect(status.code).toBe(0);
    expect(JSON.stringify(JSON.parse(status.stdout))).toMatch(/grammar-eval\.jsonl.*modified/);

    const stage = await run('bash', [join(clone, 'tools/deploy/deploy-candidate.sh'), 'dvc'], clone, {
      LYNX_VENV: resolve(dvc, '../..'),
      LYNX_CLI: `${process.execPath} ${join(REPO, 'tools/bin/lynx.js')}`,
      NODE_PATH: join(REPO, 'node_modules'),
    });
    expect(stage.code).toBe(2);
    expect(stage.stderr).toMatch(/the data differs from dvc\.lock/);

    const gate = await run(process.execPath, ['tools/bin/lynx.js', 'gate', 'evaluate', '--candidate', join(tmp.dir, 'no-model'), '--eval-set', evalSet, '--baseline', join(clone, 'eval_baseline.json')], REPO);
    expect(gate.code).toBe(2);
    expect(gate.stderr).toMatch(/eval_set_mismatch: .*has DVC hash [0-9a-f]{32}, but the baseline was measured on DVC hash [0-9a-f]{32}/);
  });
});
