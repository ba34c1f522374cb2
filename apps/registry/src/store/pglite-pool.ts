import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * Presents one embedded PGlite database as the `pg`-style pool Kysely's PostgresDialect
 * expects. PGlite has a single session, so the pool hands out one client at a time: a
 * transaction owns the session from BEGIN to COMMIT and other callers queue behind it,
 * which is what makes row locks unnecessary (but harmless) on this backend.
 */
export class PGlitePool implements PostgresPool {
  readonly options = {};
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly db: PGlite) {}

  async connect(): Promise<PostgresPoolClient> {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => turn);
    await previous;
    const db = this.db;
    let released = false;
    return {
      async query<R>(sqlText: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>> {
        const result = await db.query<R>(sqlText, parameters as unknown[]);
        return {
          command: (result as { command?: string }).command as PostgresQueryResult<R>['command'],
          rowCount: result.affectedRows ?? 0,
          rows: result.rows,
        };
      },
      release() {
        if (released) return;
        released = true;
        release();
      },
    } as PostgresPoolClient;
  }

  async end(): Promise<void> {
    await this.tail;
    await this.db.close();
  }
}
