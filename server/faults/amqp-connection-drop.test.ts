import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, newFunction } from '../testing/harness';
import { installLedgerHook } from '../testing/ledger-hook';
import { SLOW_LEDGER_HANDLER, startLedger, type Ledger } from '../testing/ledger';
import { startAmqpHarness, stopAmqpHarness, type Names } from '../testing/amqp';
import type { Harness } from '../testing/harness';
import { closeConnection, connectionPid, privateRabbit } from './services';

/**
 * Issue 6/20: the backend's broker connection is closed (the broker keeps running) while POSTs are provably
 * running in it. Each call ends answered or as vCD's 504; a redelivered POST this replica had started is never run
 * again (ExtensionBridge's started-request guard); the next calls are answered.
 */

const CALLS = 12;

describe('broker connection lost while calls run', () => {
  let started: { harness: Harness; names: Names };
  let ledger: Ledger;
  let unhook: () => void;

  beforeAll(async () => {
    ledger = await startLedger();
    unhook = installLedgerHook(ledger.url);
    started = await startAmqpHarness({ timeoutMs: 8000 });
  });

  afterAll(async () => {
    unhook?.();
    await ledger?.close();
    if (started) await stopAmqpHarness(started);
  });

  it('answers every in-flight POST once or with 504, runs none twice, and serves the next ones', async () => {
    const { harness, names } = started;
    const acme = api(() => harness.mock.url, await harness.login('acme'));
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('slow', { code: SLOW_LEDGER_HANDLER, limits: { timeoutMs: 10_000 } }))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'slow')).status).toBe('ready');

    const rabbit = privateRabbit();
    const link = await connectionPid(rabbit, names.connectionName);
    // Four calls answered before the fault; then eight held in the backend (run, not yet replied) while the link goes.
    const before = await Promise.all(Array.from({ length: 4 }, () => ledger.call((id) => acme.post(`/api/org/acme/slow?ledger=${id}`, {}))));
    expect(before).toEqual([200, 200, 200, 200]);
    ledger.hold();
    const calls = Array.from({ length: CALLS - 4 }, () => ledger.call((id) => acme.post(`/api/org/acme/slow?ledger=${id}`, {})));
    await ledger.waitInFlight(CALLS - 4);
    const inFlight = await ledger.fault(() => closeConnection(rabbit, link));
    ledger.release();
    const statuses = [...before, ...(await Promise.all(calls))];
    await ledger.waitIdle();

    const v = ledger.verdict();
    ledger.report('amqp connection drop', v);
    expect(statuses.filter((s) => s !== 200 && s !== 504), `statuses ${statuses.join(',')}`).toEqual([]);
    expect(inFlight.length).toBeGreaterThan(0);
    expect(v.problems).toEqual([]);
    expect(v.answeredOnce + v.timedOut).toBe(CALLS);

    let after = 0;
    for (let i = 0; i < 50 && after !== 200; i++) after = await ledger.call((id) => acme.post(`/api/org/acme/slow?ledger=${id}&ms=1`, {}));
    expect(after).toBe(200);
    expect(ledger.verdict().problems).toEqual([]);
  });
});
