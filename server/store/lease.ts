import pg from 'pg';
import type { Logger } from 'pino';

/**
 * Which replica runs the scheduled work (showback collectors, the autoscale poller): the one holding a PostgreSQL
 * session advisory lock. The lock lives as long as the holder's connection, so a replica that dies or loses the
 * database frees it and a standby takes over on its next try. No home-made consensus: PostgreSQL decides.
 */
export interface Lease {
  /** Resolves after the first try, whether or not it won the lease. */
  start(): Promise<void>;
  readonly held: boolean;
  close(): Promise<void>;
}

export interface LeaseOptions {
  /** The lease's name; every replica asking for the same name competes for one lock. */
  name: string;
  /** Called once this replica holds the lease (again after a loss). */
  onAcquired: () => Promise<void> | void;
  /** Called when the lease's connection is lost: another replica may take over, so stop the scheduled work. */
  onLost: () => Promise<void> | void;
  log: Logger;
  /** How often a standby tries again; default 5 s. */
  retryMs?: number;
}

/** The embedded store is one process by construction: it always holds the lease. */
export function soleLease(options: Pick<LeaseOptions, 'onAcquired'>): Lease {
  let held = false;
  return {
    async start() {
      held = true;
      await options.onAcquired();
    },
    get held() {
      return held;
    },
    async close() {
      held = false;
    },
  };
}

export function postgresLease(options: LeaseOptions & { databaseUrl: string }): Lease {
  let client: pg.Client | undefined;
  let held = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void attempt();
    }, options.retryMs ?? 5000);
    timer.unref();
  };

  const lost = async (c: pg.Client) => {
    if (client !== c) return;
    client = undefined;
    c.end().catch(() => undefined);
    if (held) {
      held = false;
      options.log.warn({ lease: options.name }, 'lease lost: scheduled work stops here');
      await options.onLost();
    }
    schedule();
  };

  async function attempt(): Promise<void> {
    if (closed) return;
    try {
      if (!client) {
        const c = new pg.Client({ connectionString: options.databaseUrl, application_name: `lease:${options.name}` });
        c.on('error', () => void lost(c));
        c.on('end', () => void lost(c));
        await c.connect();
        client = c;
      }
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [options.name]);
      if (rows[0]?.ok && !closed) {
        held = true;
        options.log.info({ lease: options.name }, 'lease acquired: this replica runs the scheduled work');
        await options.onAcquired();
        return;
      }
    } catch (err) {
      options.log.warn({ lease: options.name, err: (err as Error).message }, 'lease try failed');
      if (client) await lost(client);
      return;
    }
    schedule();
  }

  return {
    start: attempt,
    get held() {
      return held;
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      held = false;
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
