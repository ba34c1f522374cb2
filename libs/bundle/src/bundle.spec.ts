import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ERROR_CODES } from '@lynx/schema';
import { bundleDigest, bundleManifest, fileManifest } from './bundle';
import { BundleNotFoundError, SymlinkRejectedError, UnsupportedFileTypeError } from './errors';
import { hashFile } from './hash-file';
import { makeBundleDir } from './testing';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const digestOfText = (text: string) => `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;

describe('bundleManifest / bundleDigest', () => {
  const dirs: string[] = [];
  const make = async (files: Record<string, string | Buffer>) => {
    const dir = await makeBundleDir(files);
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  it('digests nested folders, non-ASCII names and empty files by the spec', async () => {
    const files = {
      'weights/model.bin': Buffer.from([0, 1, 2, 255]),
      'config.json': '{"a":1}\n',
      'Zeta.txt': 'Z',
      'é/日本.txt': 'nihon',
      'emoji/🦊.txt': 'fox',
      'empty.txt': '',
    };
    const dir = await make(files);
    // Built by hand in UTF-8 byte order: "Z" (5a) < "c" (63) < "emoji" < "empty" ("o" 6f < "p" 70) < "w" < "é" (c3 a9).
    const byHand = [
      `${sha('Z')} 1 Zeta.txt\n`,
      `${sha('{"a":1}\n')} 8 config.json\n`,
      `${sha('fox')} 3 emoji/🦊.txt\n`,
      `${sha('')} 0 empty.txt\n`,
      `${sha(Buffer.from([0, 1, 2, 255]))} 4 weights/model.bin\n`,
      `${sha('nihon')} 5 é/日本.txt\n`,
    ].join('');
    const manifest = await bundleManifest(dir);
    expect(manifest.digest).toBe(digestOfText(byHand));
    expect(manifest.files.map((f) => f.path)).toEqual([
      'Zeta.txt',
      'config.json',
      'emoji/🦊.txt',
      'empty.txt',
      'weights/model.bin',
      'é/日本.txt',
    ]);
    expect(manifest.files.find((f) => f.path === 'empty.txt')).toEqual({ path: 'empty.txt', size: 0, digest: `sha256:${sha('')}` });
    expect(await bundleDigest(dir)).toBe(manifest.digest);
  });

  it('changes when one byte changes and ignores empty folders', async () => {
    const dir = await make({ 'a/b.txt': 'hello' });
    const before = await bundleDigest(dir);
    await mkdir(join(dir, 'empty/deeper'), { recursive: true });
    expect(await bundleDigest(dir)).toBe(before);
    await writeFile(join(dir, 'a/b.txt'), 'hellp');
    expect(await bundleDigest(dir)).not.toBe(before);
  });

  it('agrees with sha256sum on a file larger than one read', async () => {
    const content = Buffer.concat([randomBytes(3 * 1024 * 1024), Buffer.from('tail')]);
    const dir = await make({ 'big.bin': content });
    const out = execFileSync('sha256sum', ['big.bin'], { cwd: dir, encoding: 'utf8' });
    const hex = out.split(/\s+/)[0];
    expect(await hashFile(join(dir, 'big.bin'))).toEqual({ digest: `sha256:${hex}`, size: content.length });
    expect(await bundleDigest(dir)).toBe(digestOfText(`${hex} ${content.length} big.bin\n`));
  });

  it('refuses a symlink to a file, even deep inside', async () => {
    const dir = await make({ 'a/b/real.txt': 'x' });
    await symlink('real.txt', join(dir, 'a/b/link.txt'));
    const err = await bundleManifest(dir).catch((e) => e);
    expect(err).toBeInstanceOf(SymlinkRejectedError);
    expect(err.code).toBe(ERROR_CODES.symlinkRejected);
    expect(err.message).toContain('a/b/link.txt');
  });

  it('refuses a symlink to a folder and a dangling symlink', async () => {
    const dir = await make({ 'x.txt': 'x' });
    await symlink('/', join(dir, 'root'));
    await expect(bundleManifest(dir)).rejects.toBeInstanceOf(SymlinkRejectedError);
    await rm(join(dir, 'root'));
    await symlink('nowhere', join(dir, 'dangling'));
    await expect(bundleManifest(dir)).rejects.toBeInstanceOf(SymlinkRejectedError);
  });

  it('refuses a FIFO', async () => {
    const dir = await make({ 'x.txt': 'x' });
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    const err = await bundleManifest(dir).catch((e) => e);
    expect(err).toBeInstanceOf(UnsupportedFileTypeError);
    expect(err.code).toBe(ERROR_CODES.unsupportedFileType);
  });

  it('refuses names that could not be pushed (backslash, non-NFC)', async () => {
    const dir = await make({ 'a\\b.txt': 'x' });
    await expect(bundleManifest(dir)).rejects.toMatchObject({ code: ERROR_CODES.unsafePath, details: { rule: 'backslash' } });
    const nfd = await make({ 'e\u0301.txt': 'x' });
    await expect(bundleManifest(nfd)).rejects.toMatchObject({ code: ERROR_CODES.unsafePath, details: { rule: 'not_nfc' } });
  });

  it('refuses a missing folder or a file given as folder with a 404 error', async () => {
    const dir = await make({ 'x.txt': 'x' });
    await expect(bundleManifest(join(dir, 'nope'))).rejects.toBeInstanceOf(BundleNotFoundError);
    await expect(bundleManifest(join(dir, 'x.txt'))).rejects.toMatchObject({ status: 404 });
  });

  it('digests a single file as a folder holding only that file', async () => {
    const dir = await make({ 'data/eval.jsonl': '{"x":1}\n', 'only/eval.jsonl': '{"x":1}\n' });
    const single = await fileManifest(join(dir, 'data/eval.jsonl'));
    expect(single.files).toEqual([{ path: 'eval.jsonl', size: 8, digest: `sha256:${sha('{"x":1}\n')}` }]);
    expect(single.digest).toBe(await bundleDigest(join(dir, 'only')));
    await symlink('eval.jsonl', join(dir, 'data/link.jsonl'));
    await expect(fileManifest(join(dir, 'data/link.jsonl'))).rejects.toBeInstanceOf(SymlinkRejectedError);
  });

  it('reports progress totalling the bundle size', async () => {
    const dir = await make({ a: Buffer.alloc(1500 * 1024), b: 'xyz', c: '' });
    let total = -1;
    let seen = 0;
    await bundleManifest(dir, { onStart: (bytes) => (total = bytes), onBytes: (n) => (seen += n) });
    expect(total).toBe(1500 * 1024 + 3);
    expect(seen).toBe(total);
  });
});
