import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../main';
import { api, jsonOf, newFunction, type Harness } from '../../testing/harness';
import { backendAmqpConfig, rawClient, startAmqpHarness, type Names } from '../../testing/amqp';

/** Two backend replicas on one PostgreSQL consume the same extension queue (competing consumers). */

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function twoReplicas(): Promise<{ harness: Harness; names: Names; second: RunningServer }> {
  const { harness, names } = await startAmqpHarness({ store: 'postgres' });
  cleanup.push(async () => {
    await harness.close();
    const client = await rawClient();
    await client.cleanup(names);
  });
  const second = await startServer({
    port: 0,
    vcdUrl: harness.mock.url,
    logLevel: 'silent',
    ...harness.store.overrides,
    ...backendAmqpConfig(names),
    amqpConnectionName: `${names.connectionName}-2`,
  });
  cleanup.push(() => second.close());
  return { harness, names, second };
}

describe('several replicas', () => {
  it('share the request queue, and when one stops the other answers everything', async () => {
    const { harness, names, second } = await twoReplicas();
    const client = await rawClient();
    try {
      expect((await client.channel.checkQueue(names.queue)).consumerCount).toBe(2);
    } finally {
      await client.close();
    }

    const acme = api(() => harness.mock.url, await harness.login('acme'));
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('hello'))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'hello')).status).toBe('ready');
    // Whichever replica takes a call, it sees the same function in the same database.
    const before = await Promise.all(Array.from({ length: 10 }, () => acme.get('/api/org/acme/hello?who=both')));
    expect(before.map((r) => r.status)).toEqual(Array(10).fill(200));

    await harness.backend.close();
    const after = await Promise.all(Array.from({ length: 10 }, () => acme.get('/api/org/acme/hello?who=one')));
    expect(after.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(await jsonOf(after[0])).toEqual({ hello: 'one', method: 'GET', org: 'acme' });
  });
});
