import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, newFunction } from '../testing/harness';
import { installLedgerHook } from '../testing/ledger-hook';
import { SLOW_LEDGER_HANDLER, startLedger, type Ledger } from '../testing/ledger';
import { startAmqpHarness, stopAmqpHarness, type Names } from '../testing/amqp';
import type { Harness } from '../testing/harness';
import { withoutStartedRequestGuard } from '../testing/guarantees-off';
import { closeConnection, connectionPid, privateRabbit } from './services';

/**
 * Issue 6/20: the backend's broker connection is closed (the broker keeps running) while POSTs are provably
 * running in it. Each call ends answered or as vCD's 504; a redelivered POST this replica had started is never run
 * again (ExtensionBridge's started-request guard); the next calls are answered. The negative control runs the same
 * fault with the guard removed (server/testing/guarantees-off.ts) and shows the ledger catching the second runs.
 */

const CALLS = 12;

describe('broker connection lost while calls run', () => {
  let started: { harness: Harness; names: Names };
  let ledger: Ledger | undefined;
  let unhook: (() => void) | undefined;

  beforeAll(async () => {
    started = await startAmqpHarness({ timeoutMs: 8000 });
  });

  afterAll(async () => {
    if (started) await stopAmqpHarness(started);
  });

  afterEach(async () => {
    unhook?.();
    await ledger?.close();
    [unhook, ledger] = [undefined, undefined];
  });

  /** The fault: 4 calls answered, then CALLS - 4 POSTs held in the backend while the broker closes its connection. */
  async function dropWhileHeld(name: string) {
    const { harness, names } = started;
    const calls = await startLedger();
    [ledger, unhook] = [calls, installLedgerHook(calls.url)];
    const acme = api(() => harness.mock.url, await harness.login('acme'));
    expect((await acme.post('/api/org/acme/faas/functions', newFunction(name, { code: SLOW_LEDGER_HANDLER, limits: { timeoutMs: 10_000 } }))).status).toBe(202);
    expect((await acme.waitBuilt('acme', name)).status).toBe('ready');
    const send = (id: string, ms = 300) => acme.post(`/api/org/acme/${name}?ledger=${id}&ms=${ms}`, {});

    const rabbit = privateRabbit();
    const link = await connectionPid(rabbit, names.connectionName);
    // Four calls answered before the fault; then eight held in the backend (run, not yet replied) while the link goes.
    const before = await Promise.all(Array.from({ length: 4 }, () => calls.call((id) => send(id))));
    expect(before).toEqual([200, 200, 200, 200]);
    calls.hold();
    const held = Array.from({ length: CALLS - 4 }, () => calls.call((id) => send(id)));
    await calls.waitInFlight(CALLS - 4);
    const inFlight = await calls.fault(() => closeConnection(rabbit, link));
    calls.release();
    const statuses = [...before, ...(await Promise.all(held))];
    await calls.waitIdle();
    return { ledger: calls, inFlight, statuses, send };
  }

  it('answers every in-flight POST once or with 504, runs none twice, and serves the next ones', async () => {
    const { ledger, inFlight, statuses, send } = await dropWhileHeld('slow');
    const v = ledger.verdict();
    ledger.report('amqp connection drop', v);
    expect(statuses.filter((s) => s !== 200 && s !== 504), `statuses ${statuses.join(',')}`).toEqual([]);
    expect(inFlight.length).toBeGreaterThan(0);
    expect(v.problems).toEqual([]);
    expect(v.answeredOnce + v.timedOut).toBe(CALLS);

    let after = 0;
    for (let i = 0; i < 50 && after !== 200; i++) after = await ledger.call((id) => send(id, 1));
    expect(after).toBe(200);
    expect(ledger.verdict().problems).toEqual([]);
  });

  it('negative control: without the started-request guard the redelivered POSTs run again, and the ledger names them', async () => {
    // The same fault with the guard (and the store claim behind it) removed from the backend, in this process only.
    const restore = withoutStartedRequestGuard();
    try {
      const { ledger, inFlight } = await dropWhileHeld('careless');
      const v = ledger.verdict();
      ledger.report('amqp connection drop, started-request guard removed (negative control)', v);
      expect(inFlight.length).toBeGreaterThan(0);
      // Only a call held at the fault can be redelivered: each one run twice is one of them.
      expect(v.ranTwice.length, v.problems.join('\n')).toBeGreaterThan(0);
      expect(v.ranTwice.filter((id) => !inFlight.includes(id))).toEqual([]);
    } finally {
      restore();
    }
  });
});
