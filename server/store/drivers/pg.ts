import pg from 'pg';
import { NotReady } from '../../errors';
import type { Db, Queryable } from '../db';

// Connection-level failures: the server is down, restarting or refusing connections (SQLSTATE classes 08 and 57P).
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

/** Whether an error means PostgreSQL could not be reached, rather than that a statement was wrong. */
export function isUnreachable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return UNREACHABLE_CODES.has(e?.code ?? '') || /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e?.message ?? '');
}

/** A lost database is a 503 the client may retry, never a 500. */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isUnreachable(err)) throw new NotReady('the store (PostgreSQL) is not reachable; retry shortly');
    throw err;
  }
}

function wrap(q: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T>(sql: string, params: unknown[] = []) {
      const result = await guarded(() => q.query(sql, params));
      return { rows: result.rows as T[] };
    },
    async exec(sql: string) {
      await guarded(() => q.query(sql));
    },
  };
}

/** A PostgreSQL server through a pool: the store for DATABASE_URL and for several replicas. */
export async function openPgDb(options: { databaseUrl: string; max?: number; applicationName?: string }): Promise<Db> {
  // A connect that hangs (server stopping) gives up instead of holding the request forever. The application name
  // shows the pool in pg_stat_activity, beside the lease's own connection (lease:<name>).
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5000,
    application_name: options.applicationName ?? 'vcd-serverless',
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const client = await pool.connect();
  client.release();
  return {
    ...wrap(pool),
    async transaction(work) {
      const c = await guarded(() => pool.connect());
      let broken: Error | undefined;
      try {
        await guarded(() => c.query('BEGIN'));
        const result = await work(wrap(c));
        await guarded(() => c.query('COMMIT'));
        return result;
      } catch (err) {
        // A client whose connection died must leave the pool, not serve the next transaction.
        if (err instanceof NotReady || isUnreachable(err)) broken = err as Error;
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        c.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
