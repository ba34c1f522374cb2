import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Migrator } from 'kysely';
import type { Database } from './db';
import { KyselyRegistryStore } from './kysely-store';
import { migrationProvider } from './migrations';
import { PGlitePool } from './pglite-pool';

describe('migration 0002', () => {
  it('backfills the serving summary from the rollups written before it', async () => {
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new PGlitePool(await PGlite.create()) }) });
    try {
      const migrator = new Migrator({ db, provider: migrationProvider });
      expect((await migrator.migrateTo('0001_initial')).error).toBeUndefined();
      const d = `sha256:${'a'.repeat(64)}`;
      await sql`INSERT INTO models (name) VALUES ('m')`.execute(db);
      await sql`INSERT INTO versions (model, digest, size, file_count, manifest, lineage, metrics, tags, created_by)
        VALUES ('m', ${d}, 1, 1, '{}', '{}', '{}', '{}', 't')`.execute(db);
      const rollups = [
        [1, 10, '2025-01-01T00:00:00Z', '2025-01-01T01:00:00Z', 0.5],
        [2, 30, '2024-12-31T23:00:00Z', '2025-01-01T00:30:00Z', 0.25],
      ] as const;
      for (const [i, requests, first, last, cost] of rollups) {
        await sql`INSERT INTO usage_rollups VALUES (${`r${i}`}, 'm', ${d}, 'primary', ${first}, ${last}, ${first}, ${last},
          ${requests}, 1, ${requests * 3}, ${requests}, ${cost}, false, now())`.execute(db);
      }
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const store = new KyselyRegistryStore(db);
      expect(await store.servedVersion('m', d)).toEqual({
        digest: d, semver: null, first_served: '2024-12-31T23:00:00.000Z', last_served: '2025-01-01T01:00:00.000Z',
        requests: 40, errors: 2, tokens: 160, latest_accuracy: null, cost_per_1k_tokens: (0.75 / 160) * 1000,
      });
      // A rollup after the migration adds to the backfilled row; a repeat of an old one does not.
      const roll = { model: 'm', digest: d, role: 'primary', window_start: '2025-01-02T00:00:00Z', window_end: '2025-01-02T00:01:00Z',
        first_served_at: '2025-01-02T00:00:00Z', last_served_at: '2025-01-02T00:01:00Z', requests: 5, prompt_tokens: 5, completion_tokens: 5, cost_usd: 0 };
      expect(await store.recordUsage({ ...roll, rollup_id: 'r1' })).toEqual({ created: false });
      expect(await store.recordUsage({ ...roll, rollup_id: 'r3' })).toEqual({ created: true });
      expect(await store.servedVersion('m', d)).toMatchObject({ requests: 45, tokens: 170, last_served: '2025-01-02T00:01:00.000Z' });
    } finally {
      await db.destroy();
    }
  });
});
