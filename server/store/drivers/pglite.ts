import { mkdirSync } from 'node:fs';
import path from 'node:path';
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

/**
 * Embedded PostgreSQL (WASM) in `<dataDir>/pglite`: the default store on a laptop. Its own subfolder, because
 * PostgreSQL refuses to initialise a non-empty folder and the data dir also holds other files (secrets.key).
 */
export async function openPgliteDb(options: { dataDir: string }): Promise<Db> {
  const dir = path.join(options.dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  let pg: PGlite;
  try {
    pg = await PGlite.create(dir);
  } catch (err) {
    // PGlite rejects with emscripten's ExitStatus object, not an Error: say which folder and what failed.
    const why = err instanceof Error ? err.message : JSON.stringify(err);
    throw new Error(`the embedded database in ${dir} could not be opened (${why}); move the folder away or set DATA_DIR to another one`);
  }
  const base = wrap(pg);
  return {
    ...base,
    transaction: (work) => pg.transaction((tx) => work(wrap(tx))),
    close: () => pg.close(),
  };
}
