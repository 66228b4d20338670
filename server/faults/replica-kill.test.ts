import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, newFunction, type Harness } from '../testing/harness';
import { installLedgerHook } from '../testing/ledger-hook';
import { SLOW_LEDGER_HANDLER, startLedger, type Ledger } from '../testing/ledger';
import { withoutRequestClaims } from '../testing/guarantees-off';
import { AMQP_URL, rawClient, startAmqpHarness, stopAmqpHarness, type Names } from '../testing/amqp';
import { replicaEnv, startBackendProcess, type BackendProcess } from './backend-process';
import { killWhileHeld } from './kill-while-held';

/**
 * Issue 6/20, faults: two backend replicas on one PostgreSQL consume vCD's extension queue; one is killed with
 * SIGKILL while both hold POSTs (run, reply not yet published). RabbitMQ redelivers the killed replica's unacked
 * POSTs to the survivor, which finds their ids claimed in the shared store and drops them: each of them ends as vCD's
 * 504 and ran once (in the killed replica, so it counts as a run), the survivor's own are answered once, and the
 * survivor serves what follows. Without the claim the survivor runs them again: the negative control removes it from
 * the survivor (server/testing/guarantees-off.ts) and shows the ledger catching each call run twice
 * (docs/hardening.md).
 */

const CALLS = 16;

describe('one of two replicas killed -9 while both hold calls', () => {
  let started: { harness: Harness; names: Names };
  let second: BackendProcess | undefined;
  let ledger: Ledger | undefined;
  let unhook: (() => void) | undefined;

  beforeAll(async () => {
    started = await startAmqpHarness({ store: 'postgres', timeoutMs: 8000 });
  });

  afterAll(async () => {
    if (started) await stopAmqpHarness(started);
  });

  afterEach(async () => {
    await second?.kill();
    unhook?.();
    await ledger?.close();
    [second, unhook, ledger] = [undefined, undefined, undefined];
  });

  /** A second replica (its own process) on the same PostgreSQL and queues as the in-process one, with a fresh ledger. */
  async function twoReplicas(name: string) {
    const { harness, names } = started;
    ledger = await startLedger();
    unhook = installLedgerHook(ledger.url);
    second = await startBackendProcess(
      {
        ...replicaEnv(harness),
        AMQP_URL,
        AMQP_EXCHANGE: names.exchange,
        AMQP_QUEUE: names.queue,
        AMQP_ROUTING_KEY: names.routingKey,
        AMQP_NOTIFICATIONS_EXCHANGE: names.notificationsExchange,
        AMQP_NOTIFICATIONS_QUEUE: names.notificationsQueue,
        AMQP_CONNECTION_NAME: `${names.connectionName}-${name}`,
      },
      { ledgerUrl: ledger.url },
    );
    const client = await rawClient();
    try {
      expect((await client.channel.checkQueue(names.queue)).consumerCount).toBe(2);
    } finally {
      await client.close();
    }
    const acme = api(() => harness.mock.url, await harness.login('acme'));
    expect((await acme.post('/api/org/acme/faas/functions', newFunction(name, { code: SLOW_LEDGER_HANDLER }))).status).toBe(202);
    expect((await acme.waitBuilt('acme', name)).status).toBe('ready');
    return { ledger, second, send: (id: string) => acme.post(`/api/org/acme/${name}?ledger=${id}&ms=50`, {}) };
  }

  it('ends every call answered or 504, runs none twice, and the surviving replica answers everything after', async () => {
    const { ledger, second, send } = await twoReplicas('sturdy');
    const { held, inFlight, statuses, after } = await killWhileHeld({ ledger, send, victim: second, calls: CALLS, afterCalls: 20 });
    expect(held.length, 'the replica to kill holds calls').toBeGreaterThan(0);
    // No `killed`: a POST the killed replica started counts as a run, so a second run on the survivor is "ran twice".
    const v = ledger.verdict();
    const killedHeld = v.inFlightByPid[second.pid] ?? 0;
    ledger.report('replica kill -9', v, ` (POSTs; ${killedHeld} of them in the killed replica, redelivered to the survivor)`);
    expect(inFlight.length).toBeGreaterThan(0);
    expect(v.inFlightByPid[second.pid]).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200 && s !== 504), `statuses ${statuses}`).toEqual([]);
    expect(after).toEqual(Array(20).fill(200));
    expect(v.problems).toEqual([]);
    // The killed replica's POSTs had no answer to give: vCD timed them out, and the survivor's were answered once.
    expect(v.timedOut).toBeGreaterThanOrEqual(killedHeld);
    expect(v.answeredOnce).toBe(v.calls - v.timedOut);
  });

  it('negative control: without the claims the survivor runs the killed replica\'s POSTs again, and the ledger names them', async () => {
    const { ledger, second, send } = await twoReplicas('fragile');
    // The same fault with the guarantee removed from the survivor (this process) only, from the test side.
    const restore = withoutRequestClaims();
    try {
      const { held } = await killWhileHeld({ ledger, send, victim: second, calls: CALLS });
      expect(held.length, 'the replica to kill holds calls').toBeGreaterThan(0);
      const v = ledger.verdict();
      ledger.report('replica kill -9, request claims removed (negative control)', v, ` (POSTs; ${held.length} of them in the killed replica)`);
      expect(v.inFlightByPid[second.pid]).toBeGreaterThan(0);
      // Each call run twice is one the killed replica had started: RabbitMQ redelivered it and nothing stopped it.
      expect(v.ranTwice.length, v.problems.join('\n')).toBeGreaterThan(0);
      expect(v.ranTwice.filter((id) => !held.includes(id))).toEqual([]);
    } finally {
      restore();
    }
  });
});
