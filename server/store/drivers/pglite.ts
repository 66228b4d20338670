import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Db, Queryable } from '../db';

function wrap(q: PGlite | Transaction): Queryable {
  return {
    async query<T>(sql: string, params: unknown[] = []) {
      const result = await q.query<T>(sql, params);
      return { rows: result.rows };
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  };
}

/** Embedded PostgreSQL (WASM) in a data directory: the default store on a laptop. */
export async function openPgliteDb(options: { dataDir: string }): Promise<Db> {
  mkdirSync(options.dataDir, { recursive: true });
  const pg = await PGlite.create(options.dataDir);
  const base = wrap(pg);
  return {
    ...base,
    transaction: (work) => pg.transaction((tx) => work(wrap(tx))),
    close: () => pg.close(),
  };
}
