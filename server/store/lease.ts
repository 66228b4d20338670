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
  return new PostgresLease(options);
}

/** One connection holding (or trying for) the advisory lock; a lost connection means a lost lease. */
class PostgresLease implements Lease {
  private client: pg.Client | undefined;
  private isHeld = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LeaseOptions & { databaseUrl: string }) {}

  get held(): boolean {
    return this.isHeld;
  }

  start = (): Promise<void> => this.attempt();

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.isHeld = false;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.attempt();
    }, this.options.retryMs ?? 5000);
    this.timer.unref();
  }

  private async lost(c: pg.Client): Promise<void> {
    if (this.client !== c) return;
    this.client = undefined;
    c.end().catch(() => undefined);
    if (this.isHeld) {
      this.isHeld = false;
      this.options.log.warn({ lease: this.options.name }, 'lease lost: scheduled work stops here');
      await this.options.onLost();
    }
    this.schedule();
  }

  private async connect(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: this.options.databaseUrl, application_name: `lease:${this.options.name}` });
    c.on('error', () => void this.lost(c));
    c.on('end', () => void this.lost(c));
    await c.connect();
    this.client = c;
    return c;
  }

  private async attempt(): Promise<void> {
    if (this.closed) return;
    const { name, log } = this.options;
    try {
      const client = this.client ?? (await this.connect());
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [name]);
      if (rows[0]?.ok && !this.closed) {
        this.isHeld = true;
        log.info({ lease: name }, 'lease acquired: this replica runs the scheduled work');
        await this.options.onAcquired();
        return;
      }
    } catch (err) {
      log.warn({ lease: name, err: (err as Error).message }, 'lease try failed');
      if (this.client) await this.lost(this.client);
      return;
    }
    this.schedule();
  }
}
