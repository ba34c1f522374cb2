import { PGlite } from '@electric-sql/pglite';
import { PGlitePool } from './pglite-pool';

const reltuples = async (pg: PGlite, table: string) =>
  Number((await pg.query<{ n: number }>('SELECT reltuples AS n FROM pg_class WHERE relname = $1', [table])).rows[0].n);

describe('PGlitePool maintenance', () => {
  it('analyzes at start and again on its interval, so the planner sees the rows', async () => {
    const pg = await PGlite.create();
    const pool = new PGlitePool(pg);
    try {
      await pg.exec('CREATE TABLE t (id int PRIMARY KEY)');
      expect(await reltuples(pg, 't')).toBe(-1); // never analyzed

      await pool.startMaintenance(50);
      expect(await reltuples(pg, 't')).toBe(0);

      await pg.exec('INSERT INTO t SELECT generate_series(1, 500)');
      // The next periodic run counts them; poll the catalog rather than sleep a fixed time.
      for (let tries = 0; (await reltuples(pg, 't')) !== 500; tries++) {
        if (tries > 200) throw new Error('no maintenance run counted the rows');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await pool.end();
    }
    expect(pg.closed).toBe(true);
  });
});
