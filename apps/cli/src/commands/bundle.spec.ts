import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rm, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { bundleManifest } from '@lynx/bundle';
import { makeBundleDir } from '@lynx/bundle/testing';

const repo = resolve(__dirname, '../../../..');

/** Runs the real `lynx` entry point, as a user would, and collects its exit code and output. */
function lynx(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('node', ['tools/bin/lynx.js', ...args], { cwd: repo }, (err, stdout, stderr) => {
      done({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

describe('lynx bundle', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeBundleDir({ 'model/weights.bin': Buffer.from([1, 2, 3]), 'model/日本/é.txt': 'x', 'model/empty': '' });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('digest prints the library digest; manifest prints the text it hashes', async () => {
    const expected = await bundleManifest(join(dir, 'model'));
    const [digest, json, manifest] = await Promise.all([
      lynx('bundle', 'digest', join(dir, 'model')),
      lynx('bundle', 'digest', join(dir, 'model'), '--json'),
      lynx('bundle', 'manifest', join(dir, 'model')),
    ]);
    expect(digest).toMatchObject({ code: 0, stdout: `${expected.digest}\n`, stderr: '' });
    expect(JSON.parse(json.stdout)).toEqual({ digest: expected.digest, files: expected.files });
    expect(`sha256:${createHash('sha256').update(manifest.stdout).digest('hex')}`).toBe(expected.digest);
  });

  it('refuses a bundle holding a symlink with exit 2 and a clear message', async () => {
    const linked = await makeBundleDir({ 'sub/real.txt': 'x' });
    try {
      await symlink('real.txt', join(linked, 'sub/link.txt'));
      const result = await lynx('bundle', 'digest', linked);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        'lynx: symlink_rejected: bundle holds a symbolic link at "sub/link.txt"; bundles are regular files only\n',
      );
    } finally {
      await rm(linked, { recursive: true, force: true });
    }
  });
});
