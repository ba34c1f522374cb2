import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleDigest } from './bundle';
import { diffManifests, parseDataSnapshot, serializeDataSnapshot, snapshotPathFor, takeDataSnapshot } from './data-snapshot';
import { InvalidManifestError } from './errors';
import { makeBundleDir } from './testing';

describe('data snapshots', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeBundleDir({ 'corpus/a.txt': 'one', 'corpus/sub/b.txt': 'two', 'eval.jsonl': '{}\n' });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('names the snapshot beside the target', () => {
    expect(snapshotPathFor('data/corpus')).toBe('data/corpus.lynxdata.json');
    expect(snapshotPathFor('data/corpus/')).toBe('data/corpus.lynxdata.json');
    expect(snapshotPathFor('data/eval/grammar-eval.jsonl')).toBe('data/eval/grammar-eval.jsonl.lynxdata.json');
  });

  it('is deterministic and round-trips through its text', async () => {
    const first = serializeDataSnapshot(await takeDataSnapshot(join(dir, 'corpus')));
    const second = serializeDataSnapshot(await takeDataSnapshot(join(dir, 'corpus/')));
    expect(second).toBe(first);
    const parsed = parseDataSnapshot(first);
    expect(parsed.kind).toBe('directory');
    expect(parsed.path).toBe('corpus');
    expect(parsed.digest).toBe(await bundleDigest(join(dir, 'corpus')));
    expect(serializeDataSnapshot(parsed)).toBe(first);
  });

  it('snapshots a single file', async () => {
    const snap = await takeDataSnapshot(join(dir, 'eval.jsonl'));
    expect(snap).toMatchObject({ kind: 'file', path: 'eval.jsonl', files: [{ path: 'eval.jsonl', size: 3 }] });
  });

  it('refuses malformed or hand-edited snapshots', async () => {
    const good = JSON.parse(serializeDataSnapshot(await takeDataSnapshot(join(dir, 'corpus'))));
    const bad = [
      'not json',
      '[]',
      JSON.stringify({ ...good, version: 2 }),
      JSON.stringify({ ...good, kind: 'tree' }),
      JSON.stringify({ ...good, digest: good.digest.toUpperCase() }),
      JSON.stringify({ ...good, files: [{ ...good.files[0], size: 4 }, good.files[1]] }),
    ];
    for (const text of bad) expect(() => parseDataSnapshot(text)).toThrow(InvalidManifestError);
    expect(() => parseDataSnapshot(JSON.stringify({ ...good, files: [{ ...good.files[0], path: '../x' }] }))).toThrow(
      /unsafe bundle path/,
    );
  });

  it('lists added, removed and changed files', async () => {
    const before = await takeDataSnapshot(join(dir, 'corpus'));
    await writeFile(join(dir, 'corpus/a.txt'), 'ONE');
    await rm(join(dir, 'corpus/sub/b.txt'));
    await writeFile(join(dir, 'corpus/c.txt'), 'three');
    const after = await takeDataSnapshot(join(dir, 'corpus'));
    const diff = diffManifests(before.files, after.files);
    expect(diff.added.map((f) => f.path)).toEqual(['c.txt']);
    expect(diff.removed.map((f) => f.path)).toEqual(['sub/b.txt']);
    expect(diff.changed.map((f) => f.path)).toEqual(['a.txt']);
    expect(diffManifests(before.files, before.files)).toEqual({ added: [], removed: [], changed: [] });
  });
});
