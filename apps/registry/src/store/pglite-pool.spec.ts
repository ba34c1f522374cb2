import { PGlite } from '@electric-sql/pglite';
import { until } from '@lynx/platform/testing';
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

      await write(pool, 'INSERT INTO t SELECT generate_series(1, 500)');
      // The next periodic run counts them; poll the catalog rather than sleep a fixed time.
      await until('a maintenance run counting the rows', 10_000, async () => ((await reltuples(pg, 't')) === 500 ? true : undefined));
    } finally {
      await pool.end();
    }
    expect(pg.closed).toBe(true);
  });

  it('skips a periodic run when nothing was written through the pool since the last one', async () => {
    const pg = await PGlite.create();
    const pool = new PGlitePool(pg);
    try {
      await pg.exec('CREATE TABLE t (id int PRIMARY KEY)');
      await pool.startMaintenance(50);
      // Rows written behind the pool's back, and a write through it that changes nothing: no run
      // is due, so ten intervals later the statistics still say empty (a run would count 500).
      await pg.exec('INSERT INTO t SELECT generate_series(1, 500)');
      await write(pool, 'delete from t where id < 0');
      await new Promise((r) => setTimeout(r, 500));
      expect(await reltuples(pg, 't')).toBe(0);
      // One write through the pool makes the next run due; it counts every row.
      await write(pool, 'insert into t values (501)');
      await until('the run after a write', 10_000, async () => ((await reltuples(pg, 't')) === 501 ? true : undefined));
    } finally {
      await pool.end();
    }
  });
});

async function write(pool: PGlitePool, sqlText: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query(sqlText, []);
  } finally {
    client.release();
  }
}
