import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockVcd, type RunningMockVcd } from '../../mock-vcd/main';
import { login } from '../../mock-vcd/testing/mock';
import { api, freshStore, type StoreHandle } from '../testing/harness';
import { SLOW_LEDGER_HANDLER, startLedger } from '../testing/ledger';
import { startBackendProcess } from './backend-process';
import { until as poll } from '../testing/until';

/**
 * Issue 13, item 1: queued calls across a backend kill -9. Calls accepted with 202 are running (held in the
 * ledger, so provably in flight) when the backend dies; started again on the same PostgreSQL, the claims whose lease
 * expired are run again, and every accepted call ran exactly once to completion (an interrupted run in the killed
 * process is not a run) or is dead-lettered; none ran twice. The negative control runs the same fault with the
 * lease removed in the restarted backend (server/testing/guarantees-off.ts) and shows the ledger catching it.
 */

const CALLS = 12;

/** The shared poller (server/testing/until.ts) with this file's patience. */
const until = <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => poll(what, probe, { timeoutMs: 90_000, everyMs: 50 });

describe('queued calls when the backend is killed -9 (PostgreSQL)', () => {
  let mock: RunningMockVcd;
  let store: StoreHandle;
  let db: pg.Client;
  let env: Record<string, string>;

  beforeAll(async () => {
    const secret = randomBytes(32).toString('hex');
    mock = await startMockVcd({ portalDir: '/nonexistent-portal', sharedSecret: secret });
    store = await freshStore('postgres');
    db = new pg.Client({ connectionString: store.overrides.databaseUrl });
    await db.connect();
    env = {
      DATABASE_URL: store.overrides.databaseUrl as string,
      DATA_DIR: store.overrides.dataDir as string,
      VCD_URL: mock.url,
      EXTENSION_SHARED_SECRET: secret,
      ORG_RATE_LIMIT_PER_MINUTE: '0',
      ASYNC_POLL_MS: '50',
      ASYNC_RETRY_BASE_MS: '50',
      ASYNC_LEASE_GRACE_MS: '500',
      ASYNC_CONCURRENCY: '4',
    };
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await mock?.close();
    await store?.drop();
  }, 180_000);

  /**
   * The fault: CALLS queued calls accepted, the backend killed -9 while some are running (held in the ledger), then
   * started again on the same PostgreSQL (with `preload`, a test-only module that removes a guarantee).
   */
  async function killWhileQueued(name: string, restart: { preload?: string[] } = {}) {
    const ledger = await startLedger();
    let backend = await startBackendProcess(env, { ledgerUrl: ledger.url });
    try {
      const acme = api(() => backend.url, await login(mock, 'acme'));
      const created = await acme.post('/api/org/acme/faas/functions', { name, runtime: 'nodejs20', code: SLOW_LEDGER_HANDLER, trigger: { type: 'http', route: name }, limits: { timeoutMs: 2000 } });
      expect(created.status).toBe(202);
      expect((await acme.waitBuilt('acme', name)).status).toBe('ready');

      // Outcomes are held from here: the calls that start stay running until the kill.
      ledger.hold();
      for (let i = 0; i < CALLS; i++) {
        const id = ledger.id();
        const res = await acme.post(`/api/org/acme/${name}?ledger=${id}&ms=200`, { n: i }, { 'X-Invocation-Type': 'Event' });
        // A 202 is the promise under test: the call runs once (its answer goes nowhere, so no body to compare).
        ledger.answered(id, res.status);
        expect(res.status).toBe(202);
        expect(res.headers.get('x-activation-id')).toBeTruthy();
      }
      await ledger.waitInFlight(2);
      const killed = backend.pid;
      await ledger.fault(() => backend.kill());
      ledger.release();

      backend = await startBackendProcess(env, { ledgerUrl: ledger.url, preload: restart.preload });
      const jobs = await until('every queued call to be settled', async () => {
        const { rows } = await db.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM function_async_jobs WHERE org = 'acme' AND name = $1`, [name]);
        return rows.length === CALLS && rows.every((r) => r.status === 'done' || r.status === 'dead') ? rows : undefined;
      });
      await ledger.waitIdle({ ignorePids: [killed] });
      const { rows: activations } = await db.query<{ attempt: number }>(`SELECT attempt FROM activations WHERE function = $1 AND trigger = 'async'`, [name]);
      return { ledger, v: ledger.verdict({ killed: [killed] }), jobs, activations };
    } finally {
      await backend.stop();
      await ledger.close();
    }
  }

  it('runs each accepted call once (or dead-letters it), none twice', async () => {
    const { ledger, v, jobs, activations } = await killWhileQueued('queued');
    ledger.report('backend kill -9 with queued calls', v, `, ${v.interrupted} interrupted and run again`);
    expect(v.problems).toEqual([]);
    expect(v.inFlightAtFault).toBeGreaterThan(0);
    expect(v.ranTwice).toEqual([]);
    // Every accepted call ran to its end once: none was lost, none needed the dead letters here.
    expect(jobs.filter((j) => j.status === 'done')).toHaveLength(CALLS);
    expect(v.answeredOnce).toBe(CALLS);
    // The interrupted ones ran again as attempt 2, recorded as such.
    expect(activations).toHaveLength(CALLS);
    expect(activations.filter((a) => a.attempt === 2).length).toBe(v.interrupted);
  }, 180_000);

  it('negative control: without the lease the restarted backend runs calls twice, and the ledger says which', async () => {
    // The same fault; the restarted backend claims running calls as if their lease had expired (test-only preload).
    const { ledger, v } = await killWhileQueued('unleased', { preload: ['server/testing/without-job-leases.ts'] });
    ledger.report('backend kill -9 with queued calls, lease removed (negative control)', v, `, ${v.interrupted} interrupted`);
    expect(v.inFlightAtFault).toBeGreaterThan(0);
    // What the positive case's `expect(v.problems).toEqual([])` would have caught, named by id.
    expect(v.ranTwice.length, v.problems.join('\n')).toBeGreaterThan(0);
  }, 180_000);
});
