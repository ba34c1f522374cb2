import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { bundleDigest } from '@lynx/bundle';
import { makeBundleDir } from '@lynx/bundle/testing';

const repo = resolve(__dirname, '../../../..');

function lynx(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('node', ['tools/bin/lynx.js', ...args], { cwd: repo }, (err, stdout, stderr) => {
      done({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

describe('lynx data', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeBundleDir({ 'corpus/a.txt': 'one\n', 'corpus/b/c.txt': 'two\n', 'eval/set.jsonl': '{"x":1}\n' });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('snapshots a folder deterministically and verify detects a changed file', async () => {
    const corpus = join(dir, 'corpus');
    const first = await lynx('data', 'snapshot', corpus);
    expect(first.code).toBe(0);
    const written = await readFile(`${corpus}.lynxdata.json`, 'utf8');
    expect(JSON.parse(written)).toMatchObject({ version: 1, kind: 'directory', path: 'corpus', digest: await bundleDigest(corpus) });

    const again = await lynx('data', 'snapshot', corpus);
    expect(again.stdout).toMatch(/^unchanged /);
    expect(await readFile(`${corpus}.lynxdata.json`, 'utf8')).toBe(written);
    expect((await lynx('data', 'verify', corpus)).code).toBe(0);

    await writeFile(join(corpus, 'b/c.txt'), 'TWO\n');
    await writeFile(join(corpus, 'new.txt'), 'new');
    await rm(join(corpus, 'a.txt'));
    const verify = await lynx('data', 'verify', corpus);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('changed  b/c.txt');
    expect(verify.stdout).toContain('added    new.txt');
    expect(verify.stdout).toContain('removed  a.txt');
    expect(verify.stderr).toContain('1 added, 1 removed, 1 changed');
  });

  it('snapshots a single file beside it', async () => {
    const file = join(dir, 'eval/set.jsonl');
    // Taken before the snapshot file lands beside it: the folder then holds only this file.
    const folderDigest = await bundleDigest(join(dir, 'eval'));
    expect((await lynx('data', 'snapshot', file)).code).toBe(0);
    const snap = JSON.parse(await readFile(`${file}.lynxdata.json`, 'utf8'));
    expect(snap).toMatchObject({ kind: 'file', path: 'set.jsonl', files: [{ path: 'set.jsonl', size: 8 }] });
    expect(snap.digest).toBe(folderDigest);
    await writeFile(file, '{"x":2}\n');
    expect((await lynx('data', 'verify', file, '--json')).stdout).toMatch(/"ok": false/);
  });

  it('exits 2 on a missing or malformed snapshot', async () => {
    const corpus = join(dir, 'corpus');
    const missing = await lynx('data', 'verify', corpus);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no snapshot at');
    await writeFile(`${corpus}.lynxdata.json`, '{"version": 1, "files": "nope"}');
    const malformed = await lynx('data', 'verify', corpus);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('invalid manifest');
  });
});
