import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, newFunction, type Harness } from '../testing/harness';
import { installLedgerHook } from '../testing/ledger-hook';
import { SLOW_LEDGER_HANDLER, startLedger, type Ledger } from '../testing/ledger';
import { startAmqpHarness, stopAmqpHarness, type Names } from '../testing/amqp';
import { privateRabbit } from './services';

/**
 * Issue 6/7/20, restarts: the fault suite's own RabbitMQ node is stopped and started again while the mock vCD
 * forwards tenant POSTs to the backend over it and eight of them are provably running in the backend. Each call
 * ends answered or as vCD's 504, none runs twice, and later calls are answered without restarting anything else.
 */

const BEFORE = 3;
const HELD = 8;

describe('RabbitMQ restarted while calls run', () => {
  let started: { harness: Harness; names: Names };
  let ledger: Ledger;
  let unhook: () => void;
  const rabbit = privateRabbit();

  beforeAll(async () => {
    ledger = await startLedger();
    unhook = installLedgerHook(ledger.url);
    started = await startAmqpHarness({ timeoutMs: 8000 });
  });

  afterAll(async () => {
    unhook?.();
    await ledger?.close();
    // Started again by the test itself; this only matters when the test failed in between.
    await rabbit.ctl('-q', 'await_startup').catch(() => rabbit.start());
    if (started) await stopAmqpHarness(started);
  });

  it('ends every in-flight call once or with 504, runs none twice, and answers again once the broker is back', async () => {
    const acme = api(() => started.harness.mock.url, await started.harness.login('acme'));
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('slow', { code: SLOW_LEDGER_HANDLER }))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'slow')).status).toBe('ready');
    const send = (id: string) => acme.post(`/api/org/acme/slow?ledger=${id}`, {});

    const before = await Promise.all(Array.from({ length: BEFORE }, () => ledger.call(send)));
    expect(before).toEqual(Array(BEFORE).fill(200));
    // Held in the backend (run, reply not yet published) for as long as the broker takes to stop.
    ledger.hold();
    const calls = Array.from({ length: HELD }, () => ledger.call(send));
    await ledger.waitInFlight(HELD);
    const inFlight = await ledger.fault(() => rabbit.stop());
    ledger.release();
    await rabbit.start();
    const statuses = [...before, ...(await Promise.all(calls))];
    await ledger.waitIdle();

    let after = 0;
    for (let i = 0; i < 300 && after !== 200; i++) {
      after = await ledger.call(send);
      if (after !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    const v = ledger.verdict();
    ledger.report('rabbitmq restart', v);
    expect(after).toBe(200);
    expect(inFlight.length).toBeGreaterThan(0);
    // While the broker is away vCD cannot forward at all (503); a call it had forwarded ends 200 or 504.
    expect(statuses.filter((s) => s !== 200 && s !== 504), `statuses ${statuses}`).toEqual([]);
    expect(v.problems).toEqual([]);
  }, 240_000);
});
