import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { dropPostgresSchema, openRegistryStore } from './open-store';
import { KyselyRegistryStore } from './kysely-store';
import { describeRegistryStoreContract } from './registry-store.contract';

// The machine's PostgreSQL; each run gets its own schema, dropped afterwards.
const url = process.env.LYNX_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describeRegistryStoreContract('PostgreSQL', async () => {
  const schema = `lynx_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const store = (await openRegistryStore({ databaseUrl: url, schema })) as KyselyRegistryStore;
  return {
    store,
    raw: async (text) => void (await sql.raw(text).execute(store.kysely)),
    cleanup: async () => {
      await store.close();
      await dropPostgresSchema(url, schema);
    },
  };
});
