import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, jsonOf, newFunction, problemOf, startHarness, type Harness } from '../testing/harness';
import { installLedgerHook } from '../testing/ledger-hook';
import { SLOW_LEDGER_HANDLER, startLedger, type Ledger } from '../testing/ledger';
import { privatePostgres } from './services';

/**
 * Issue 7/20, restarts: the fault suite's own PostgreSQL stops under a running backend while six function calls
 * are provably running in it, and comes back. The running calls are answered once; while the store is away the
 * backend answers 503 problem+json (never a 500, never a hang); afterwards it serves again with nothing lost.
 */

const HELD = 6;

describe('PostgreSQL stopped and started under a running backend', () => {
  const pg = privatePostgres();
  let h: Harness;
  let acme: ReturnType<typeof api>;
  let ledger: Ledger;
  let unhook: () => void;

  beforeAll(async () => {
    ledger = await startLedger();
    unhook = installLedgerHook(ledger.url);
    h = await startHarness('postgres', { backend: { sessionCacheTtlMs: 60_000 } });
    acme = api(() => h.backend.url, await h.login('acme'));
  });

  afterAll(async () => {
    unhook?.();
    await ledger?.close();
    // Started again by the test itself; this only matters when the test failed in between.
    await pg.start().catch(() => undefined);
    await h?.close();
  });

  it('answers the calls it was running and 503 problem+json while the store is down, and afterwards serves everything it had plus new writes', async () => {
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('steady', { code: SLOW_LEDGER_HANDLER }))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'steady')).status).toBe('ready');
    const send = (id: string) => acme.get(`/api/org/acme/steady?ledger=${id}&ms=50`);
    expect(await ledger.call(send)).toBe(200);
    const activationsBefore = (await jsonOf(await acme.get('/api/org/acme/faas/functions/steady/activations'))).total;

    ledger.hold();
    const calls = Array.from({ length: HELD }, () => ledger.call(send));
    await ledger.waitInFlight(HELD);
    const inFlight = await ledger.fault(() => pg.stop());
    try {
      ledger.release();
      // The calls it was running end answered: their activation records wait for the store, the answers do not.
      expect(await Promise.all(calls)).toEqual(Array(HELD).fill(200));
      // A hang would fail the test by its timeout.
      expect((await fetch(`${h.backend.url}/readyz`)).status).toBe(503);
      const list = await acme.get('/api/org/acme/faas/functions');
      expect(list.status).toBe(503);
      expect((await problemOf(list)).detail).toMatch(/store|PostgreSQL/i);
      expect((await acme.post('/api/org/acme/faas/functions', newFunction('while-down'))).status).toBe(503);
      // The warm function's route and the caller's session are in memory: it still answers, once.
      expect(await ledger.call(send)).toBe(200);
    } finally {
      await pg.start();
    }

    let status = 0;
    for (let i = 0; i < 200 && status !== 200; i++) {
      status = (await fetch(`${h.backend.url}/readyz`)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    const fns = await jsonOf(await acme.get('/api/org/acme/faas/functions'));
    expect(fns.items.map((f: { name: string }) => f.name)).toEqual(['steady']);
    expect(await ledger.call(send)).toBe(200);
    expect((await jsonOf(await acme.get('/api/org/acme/faas/functions/steady/activations'))).total).toBeGreaterThanOrEqual(activationsBefore + 1);
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('after-restart'))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'after-restart')).status).toBe('ready');

    const v = ledger.verdict();
    ledger.report('postgresql stop', v);
    expect(inFlight.length).toBe(HELD);
    expect(v.problems).toEqual([]);
    expect(v.answeredOnce).toBe(HELD + 3);
  });
});
