import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '@lynx/platform/testing';
import { openRegistryStore } from './open-store';
import { initPGliteDir } from './pglite-init';

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

  it('says where it failed when the directory cannot hold a cluster', async () => {
    const dir = join(tmp.dir, 'not-a-dir');
    writeFileSync(dir, 'a file');
    await expect(initPGliteDir(dir)).rejects.toThrow(`could not create the embedded database in ${dir}`);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(false);
  });
});
