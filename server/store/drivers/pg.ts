import pg from 'pg';
import type { Db, Queryable } from '../db';

function wrap(q: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T>(sql: string, params: unknown[] = []) {
      const result = await q.query(sql, params);
      return { rows: result.rows as T[] };
    },
    async exec(sql: string) {
      await q.query(sql);
    },
  };
}

/** A PostgreSQL server through a pool: the store for DATABASE_URL and for several replicas. */
export async function openPgDb(options: { databaseUrl: string; max?: number }): Promise<Db> {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.max ?? 10 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const client = await pool.connect();
  client.release();
  return {
    ...wrap(pool),
    async transaction(work) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const result = await work(wrap(c));
        await c.query('COMMIT');
        return result;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
    },
    close: () => pool.end(),
  };
}
