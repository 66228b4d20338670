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

/** Tables to vacuum now and then: PGlite runs no autovacuum (one process, no background workers). */
export interface PgliteVacuum {
  tables: string[];
  everyMs: number;
  onError?: (err: Error) => void;
}

/**
 * Embedded PostgreSQL (WASM) in `<dataDir>/pglite`: the default store on a laptop. Its own subfolder, because
 * PostgreSQL refuses to initialise a non-empty folder and the data dir also holds other files (secrets.key).
 *
 * PGlite has no autovacuum: the space of deleted and updated rows is never reused, so a table that keeps a bounded
 * number of rows while rows come and go (activation records: ~320 bytes a call) grows on disk for ever. Given
 * `vacuum`, those tables are vacuumed every `everyMs` (a few ms each when done often: only pages changed since the
 * last run are read).
 */
export async function openPgliteDb(options: { dataDir: string; vacuum?: PgliteVacuum }): Promise<Db> {
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
  const vacuum = options.vacuum;
  let vacuuming: Promise<void> | undefined;
  const timer = vacuum?.tables.length
    ? setInterval(() => {
        vacuuming ??= pg
          .exec(`VACUUM ${vacuum.tables.join(', ')}`)
          .then(
            () => undefined,
            (err: unknown) => vacuum.onError?.(err as Error),
          )
          .finally(() => (vacuuming = undefined));
      }, vacuum.everyMs)
    : undefined;
  timer?.unref();
  return {
    ...base,
    transaction: (work) => pg.transaction((tx) => work(wrap(tx))),
    close: async () => {
      clearInterval(timer);
      await vacuuming;
      await pg.close();
    },
  };
}
