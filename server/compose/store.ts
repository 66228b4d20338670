import type { Config } from '../config';
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import { openPgDb } from '../store/drivers/pg';
import { openPgliteDb } from '../store/drivers/pglite';
import { postgresLease, soleLease, type Lease, type LeaseOptions } from '../store/lease';
import { migrate } from '../store/migrate';
import { OrgReadCache } from '../store/read-cache';
import { StoreReadMarks } from '../store/read-marks';
import { MemoryRateWindows, StoreOrMemoryRateWindows, StoreRateWindows, type RateWindows } from '../store/rate-windows';

/**
 * The tables whose rows come and go (records pruned to a maximum, claims and jobs deleted once done, state rows
 * updated in place): on PGlite, which has no autovacuum, vacuumed every 10 s so their space is reused.
 */
export const CHURNING_TABLES = ['activations', 'function_async_jobs', 'extension_request_claims', 'function_event_runs', 'autoscale_state', 'showback_vcd_samples'];

/** PostgreSQL when DATABASE_URL is set, else the embedded PGlite; migrated, or closed again when migrating fails. */
export async function openStore(config: Config, log: Logger): Promise<Db> {
  const vacuum = { tables: CHURNING_TABLES, everyMs: 10_000, onError: (err: Error) => log.warn({ err: err.message }, 'embedded store: vacuum failed') };
  const db = config.databaseUrl ? await openPgDb({ databaseUrl: config.databaseUrl, max: config.databasePoolMax }) : await openPgliteDb({ dataDir: config.dataDir, vacuum });
  try {
    const applied = await migrate(db);
    if (applied.length) log.info({ migrations: applied }, 'store migrated');
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

/** Scheduled work runs on one replica: the holder of the PostgreSQL lease (always this process on PGlite). */
export function scheduledWorkLease(config: Config, log: Logger, hooks: Pick<LeaseOptions, 'onAcquired' | 'onLost'>): Lease {
  return config.databaseUrl
    ? postgresLease({ databaseUrl: config.databaseUrl, name: 'vcd-serverless:scheduled-work', log, ...hooks })
    : soleLease({ onAcquired: hooks.onAcquired });
}

/**
 * A per-org read cache (server/store/read-cache.ts). PGlite is written by this process alone, so a kept answer is
 * dropped by every write that changes it; on PostgreSQL other replicas write too, so a kept answer is served only
 * while the org's mark in the store (one per scope: each cache's writes renew only its own) is unchanged.
 */
export function orgReadCache(config: Config, db: Db, scope: string): OrgReadCache {
  return new OrgReadCache(true, config.databaseUrl ? { marks: new StoreReadMarks(db, scope) } : {});
}

/**
 * The rate limits' counter: the store's rate_windows table on PostgreSQL (replicas share one count), this process'
 * memory on embedded PGlite (one process; a store write per request would only slow it down).
 */
export function openRateWindows(config: Config, db: Db, log: Logger): RateWindows {
  if (!config.databaseUrl) return new MemoryRateWindows();
  return new StoreOrMemoryRateWindows(new StoreRateWindows(db), (err, recovered) =>
    recovered
      ? log.info('rate limits counted in the store again')
      : log.warn({ err: err.message }, 'rate limits cannot be counted in the store; each replica counts its own calls until it answers'),
  );
}
