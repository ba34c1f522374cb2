import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '@lynx/platform/testing';
import { openRegistryStore } from './open-store';
import { initPGliteDir, pgliteTemplate } from './pglite-init';

describe('initPGliteDir', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    tmp = await makeTempDir('lynx-pglite-init-');
  });
  afterEach(() => tmp.cleanup());

  it('creates a cluster the registry then opens, and leaves an existing one alone', async () => {
    const dir = join(tmp.dir, 'pglite');
    await initPGliteDir(dir);
    const created = statSync(join(dir, 'PG_VERSION')).mtimeMs;

    await initPGliteDir(dir);
    expect(statSync(join(dir, 'PG_VERSION')).mtimeMs).toBe(created);

    const store = await openRegistryStore({ dataDir: tmp.dir });
    try {
      expect(await store.listModels()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('copies one template into each new dir: the same files, marked complete only at the end', async () => {
    const [a, b] = [join(tmp.dir, 'a'), join(tmp.dir, 'b')];
    await Promise.all([initPGliteDir(a), initPGliteDir(b)]);
    const template = await pgliteTemplate();
    const made = statSync(join(template, 'PG_VERSION')).mtimeMs;
    expect(readdirSync(a).sort()).toEqual(readdirSync(template).sort());
    expect(readdirSync(join(b, 'base')).sort()).toEqual(readdirSync(join(template, 'base')).sort());

    // A copy cut short before its marker is copied again; the template is not made again.
    const cut = join(tmp.dir, 'cut', 'pglite');
    await initPGliteDir(cut);
    rmSync(join(cut, 'PG_VERSION'));
    rmSync(join(cut, 'global'), { recursive: true });
    await initPGliteDir(cut);
    expect(statSync(join(template, 'PG_VERSION')).mtimeMs).toBe(made);
    const store = await openRegistryStore({ dataDir: join(tmp.dir, 'cut') });
    try {
      expect(await store.listModels()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('says where it failed when the directory cannot hold a cluster', async () => {
    const dir = join(tmp.dir, 'not-a-dir');
    writeFileSync(dir, 'a file');
    await expect(initPGliteDir(dir)).rejects.toThrow(`could not create the embedded database in ${dir}`);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(false);
  });
});
