import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openRegistryStore } from './open-store';
import { KyselyRegistryStore } from './kysely-store';
import { describeRegistryStoreContract } from './registry-store.contract';

describeRegistryStoreContract('PGlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lynx-registry-pglite-'));
  const store = (await openRegistryStore({ dataDir: dir })) as KyselyRegistryStore;
  return {
    store,
    raw: async (text) => void (await sql.raw(text).execute(store.kysely)),
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
