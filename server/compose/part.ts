import type { Logger } from 'pino';
import type { Config } from '../config';
import type { MountedRouter } from '../http/app';
import type { RegisterPaths } from '../http/openapi';
import type { Db } from '../store/db';
import type { RateWindows } from '../store/rate-windows';

/** What every compose function gets: the config, the one store and the log. */
export interface ComposeContext {
  config: Config;
  db: Db;
  log: Logger;
  /** The time schedules are due against (tests drive it); the wall clock when not given. */
  clock?: () => Date;
  /** Where rate limits count (the store on PostgreSQL, so every replica answers the same; memory on PGlite). */
  rateWindows?: RateWindows;
}

export type Mount = MountedRouter;

/**
 * One feature, built: what the HTTP app mounts, and its lifecycle as server/main.ts drives it. Start runs after the
 * server listens, on every replica; the lease hooks run scheduled work on the one replica holding the lease.
 */
export interface Part {
  /** Under /api/org/{org}, after auth, tenancy, rate limit and body parsing. */
  tenantRoutes?: Mount[];
  /** The feature's paths in the OpenAPI document. */
  openApiPaths?: RegisterPaths;
  start?(): Promise<void>;
  onLeaseAcquired?(): Promise<void>;
  onLeaseLost?(): Promise<void>;
  /** Ends long-lived answers (live log streams, long-polls) when the backend stops, before the server closes. */
  drain?(): void;
  close(): Promise<void>;
}
