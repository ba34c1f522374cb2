import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dvcDirMd5, dvcFileMd5 } from './dvc-hash';
import { dvcHashOf } from './dvc-tree';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('DVC hashes', () => {
  // Golden vectors from DVC's own tests (tests/func/test_add.py, test_dir_hash), as quoted in interop.md.
  it('matches DVC for foo, bar, subdir/subfoo, subdir/subbar', () => {
    const files = { foo: 'foo', bar: 'bar', 'subdir/subfoo': 'subfoo', 'subdir/subbar': 'subbar' };
    const entries = Object.entries(files).map(([relpath, body]) => ({ relpath, md5: md5(body) }));
    expect(dvcDirMd5(entries)).toBe('1aca2c799df82929bbdd976557975546.dir');
  });

  it('matches DVC for foo, bar, nested/file, with size and nfiles from the walk', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lynx-dvc-'));
    try {
      await writeFile(join(root, 'foo'), 'foo');
      await writeFile(join(root, 'bar'), 'bar');
      await mkdir(join(root, 'nested'));
      await writeFile(join(root, 'nested', 'file'), 'file');
      expect(await dvcHashOf(root)).toEqual({ md5: '5fc28ea78987408341668eba6525ebd1.dir', size: 10, nfiles: 3 });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('orders by code point and escapes non-ASCII as Python json.dumps does', () => {
    // python3 -c "import json,hashlib; l=sorted([{'md5':'a','relpath':'é'},{'md5':'b','relpath':'z'},{'md5':'c','relpath':'\U0001F600'},{'md5':'d','relpath':'\uff21'}], key=lambda e: e['relpath']); print(hashlib.md5(json.dumps(l, sort_keys=True).encode()).hexdigest())"
    const entries = [
      { md5: 'a', relpath: 'é' },
      { md5: 'b', relpath: 'z' },
      { md5: 'c', relpath: '\u{1F600}' },
      { md5: 'd', relpath: '\uff21' },
    ];
    expect(dvcDirMd5(entries)).toBe(`${PY_NON_ASCII}.dir`);
  });

  it('hashes a single file by its raw bytes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lynx-dvc-'));
    try {
      await writeFile(join(root, 'crlf.txt'), 'a\r\nb\r\n');
      expect(await dvcFileMd5(join(root, 'crlf.txt'))).toEqual({ md5: md5('a\r\nb\r\n'), size: 6 });
      expect(await dvcHashOf(join(root, 'crlf.txt'))).toEqual({ md5: md5('a\r\nb\r\n'), size: 6 });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

const PY_NON_ASCII = 'd6f7eab0b6f8e6b574f0a41a0a59f994';
