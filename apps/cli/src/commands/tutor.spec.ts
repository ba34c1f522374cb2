import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { evalResultSchema } from '@lynx/schema';

const repo = resolve(__dirname, '../../../..');

function lynx(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('node', ['tools/bin/lynx.js', ...args], { cwd: repo }, (err, stdout, stderr) => {
      done({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

describe('lynx train / lynx eval', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lynx-cli-tutor-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('trains a bundle, prints its digest, writes run.json beside it, and evaluates it per bucket', async () => {
    const base = join(dir, 'base');
    const train = await lynx('train', '--corpus', 'data/corpus', '--variant', 'base', '--out', base);
    expect(train.code).toBe(0);
    const digest = train.stdout.trim();
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const run = JSON.parse(await readFile(`${base}.run.json`, 'utf8'));
    expect(run).toMatchObject({ variant: 'base', bundle_digest: digest, params: { seed: 42 } });

    const lora = await lynx('train', '--variant', 'lora', '--base', base, '--out', join(dir, 'lora'));
    expect(lora.code).toBe(0);

    const out = join(dir, 'eval.json');
    const evaluated = await lynx('eval', join(dir, 'lora'), '--base', base, '--json', '--out', out);
    expect(evaluated.code).toBe(0);
    const result = evalResultSchema.parse(JSON.parse(evaluated.stdout));
    expect(result).toMatchObject({ variant: 'lora', model_digest: lora.stdout.trim() });
    expect(result.buckets['tense.past_participle'].n).toBeGreaterThanOrEqual(240);
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(result);

    const table = await lynx('eval', base);
    expect(table.stdout).toMatch(/tense\.past_participle\s+\d+\s+0\.\d{4}\s+\[0\.\d{3}, [01]\.\d{3}\]/);
  });

  it('refuses bad arguments with exit 2 and a clear message', async () => {
    const unknown = await lynx('train', '--variant', 'huge', '--out', join(dir, 'x'));
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown variant "huge"') });
    const noBase = await lynx('train', '--variant', 'lora', '--out', join(dir, 'y'));
    expect(noBase).toMatchObject({ code: 2, stderr: expect.stringContaining('--base') });
    const missing = await lynx('eval', join(dir, 'does-not-exist'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^lynx: /);
  });
});
