import pg from 'pg';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { freshStore, type StoreHandle } from '../testing/harness';
import { postgresLease, type Lease } from './lease';

/** The scheduled-work lease on the real PostgreSQL: one holder among replicas, a standby takes over. */

const log = pino({ level: 'silent' });
let store: StoreHandle | undefined;
let leases: Lease[] = [];
afterEach(async () => {
  for (const l of leases) await l.close();
  leases = [];
  await store?.drop();
  store = undefined;
});

async function replica(name: string, events: string[]) {
  store ??= await freshStore('postgres');
  const lease = postgresLease({
    databaseUrl: store.overrides.databaseUrl as string,
    name: 'scheduled-work',
    log,
    retryMs: 50,
    onAcquired: () => void events.push(`${name} acquired`),
    onLost: () => void events.push(`${name} lost`),
  });
  leases.push(lease);
  await lease.start();
  return lease;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
}

describe('scheduled-work lease', () => {
  it('is held by one replica only; the standby takes over when the holder stops', async () => {
    const events: string[] = [];
    const a = await replica('a', events);
    const b = await replica('b', events);
    expect([a.held, b.held]).toEqual([true, false]);
    expect(events).toEqual(['a acquired']);

    await a.close();
    await until(() => b.held);
    expect(b.held).toBe(true);
    expect(events).toEqual(['a acquired', 'b acquired']);
  });

  it('is lost with the holder\'s database connection, and the other replica takes it', async () => {
    const events: string[] = [];
    const a = await replica('a', events);
    const b = await replica('b', events);
    expect(a.held).toBe(true);

    // The holder's session dies (a network cut or a killed backend process look the same to PostgreSQL).
    const admin = new pg.Client({ connectionString: store?.overrides.databaseUrl as string });
    await admin.connect();
    await admin.query(
      `SELECT pg_terminate_backend(l.pid) FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    await admin.end();

    await until(() => b.held && !a.held);
    expect([a.held, b.held]).toEqual([false, true]);
    expect(events.slice(0, 3).sort()).toEqual(['a acquired', 'a lost', 'b acquired']);
  });
});
