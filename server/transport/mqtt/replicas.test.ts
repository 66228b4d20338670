import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../main';
import { api, jsonOf, newFunction, openTestDb, startHarness, type Harness } from '../../testing/harness';

/**
 * Replicas on vCD's MQTT bus: MQTT 3.1.1 has no shared subscriptions, so each replica receives every API_REQUEST and
 * the claim in their one PostgreSQL decides who runs it. Counted where a duplicate would show: the function's
 * activations (one per run) and the mock vCD's answers for no waiting request (a second answer).
 */

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function twoReplicas(): Promise<{ harness: Harness; second: RunningServer }> {
  const harness = await startHarness('postgres', { transport: 'mqtt', backend: { mqttReplicaId: 'replica-1' } });
  cleanup.push(() => harness.close());
  const { mqttToken } = await tokenOf(harness);
  const second = await startServer({ port: 0, vcdUrl: harness.mock.url, logLevel: 'silent', ...harness.store.overrides, vcdTransport: 'mqtt', mqttToken, mqttReplicaId: 'replica-2' });
  cleanup.push(() => second.close());
  return { harness, second };
}

/** The token the harness registered, read back from the mock's store (the second replica uses the same one). */
async function tokenOf(harness: Harness): Promise<{ mqttToken: string }> {
  const [token] = [...harness.mock.state.externalServices.tokens.values()];
  return { mqttToken: token.token };
}

describe('replicas on the MQTT bus', () => {
  it('answer each of N calls exactly once, and both take a share', async () => {
    const { harness } = await twoReplicas();
    await expect.poll(() => harness.mock.state.mqtt.connectedClients).toBeGreaterThanOrEqual(2);
    const acme = api(() => harness.mock.url, await harness.login('acme'));
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('hello'))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'hello')).status).toBe('ready');

    const n = 60;
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => acme.get(`/api/org/acme/hello?who=${i}`)));
    expect(answers.map((r) => r.status)).toEqual(Array(n).fill(200));
    const bodies = await Promise.all(answers.map((r) => jsonOf(r)));
    expect(new Set(bodies.map((b) => b.hello)).size).toBe(n);

    // One run per call: N activations (the other replica writes its own within its flush), no second answer reached vCD.
    const runs = async () => (await jsonOf(await acme.get('/api/org/acme/faas/functions/hello/activations?limit=200'))).items.length as number;
    await expect.poll(runs).toBeGreaterThanOrEqual(n);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await runs()).toBe(n);
    expect(harness.mock.state.mqtt.stats.unmatchedResponses).toBe(0);

    const db = await openTestDb(harness.store);
    try {
      const { rows } = await db.query<{ replica: string; n: string }>('SELECT replica, count(*) AS n FROM mqtt_request_claims GROUP BY replica ORDER BY replica');
      const byReplica = Object.fromEntries(rows.map((r) => [r.replica, Number(r.n)]));
      // Every request of the test was claimed once (the function calls, its creation and the polls before them).
      expect(Object.keys(byReplica).sort()).toEqual(['replica-1', 'replica-2']);
      expect(byReplica['replica-1'] + byReplica['replica-2']).toBeGreaterThanOrEqual(n);
    } finally {
      await db.close();
    }
  });
});
