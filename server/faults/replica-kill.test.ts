import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, jsonOf, newFunction, type Harness } from '../testing/harness';
import { rawClient, startAmqpHarness, stopAmqpHarness, type Names } from '../testing/amqp';
import { startBackendProcess, type BackendProcess } from './backend-process';

/**
 * Issue 6, faults: two backend replicas on one PostgreSQL consume vCD's extension queue; one is killed with SIGKILL
 * while calls flow. Every call still ends answered or as vCD's 504, and the surviving replica serves what follows.
 */
describe('one of two replicas killed -9 under load', () => {
  let started: { harness: Harness; names: Names };
  let second: BackendProcess;

  beforeAll(async () => {
    started = await startAmqpHarness({ store: 'postgres', timeoutMs: 8000 });
    const { harness, names } = started;
    second = await startBackendProcess({
      DATABASE_URL: harness.store.overrides.databaseUrl as string,
      // Same data dir: the replicas share secrets.key, as replicas of one database must.
      DATA_DIR: harness.store.overrides.dataDir as string,
      VCD_URL: harness.mock.url,
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      AMQP_EXCHANGE: names.exchange,
      AMQP_QUEUE: names.queue,
      AMQP_ROUTING_KEY: names.routingKey,
      AMQP_NOTIFICATIONS_EXCHANGE: names.notificationsExchange,
      AMQP_NOTIFICATIONS_QUEUE: names.notificationsQueue,
      AMQP_CONNECTION_NAME: `${names.connectionName}-killed`,
      CONTAINER_ENGINE: 'off',
    });
  }, 120_000);

  afterAll(async () => {
    await second?.kill();
    if (started) await stopAmqpHarness(started);
  }, 60_000);

  it('ends every call answered or 504, and the surviving replica answers everything after', async () => {
    const { harness, names } = started;
    const client = await rawClient();
    try {
      expect((await client.channel.checkQueue(names.queue)).consumerCount).toBe(2);
    } finally {
      await client.close();
    }
    const acme = api(() => harness.mock.url, await harness.login('acme'));
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('sturdy'))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'sturdy')).status).toBe('ready');

    const during = Array.from({ length: 30 }, (_, i) => acme.get(`/api/org/acme/sturdy?who=${i}`));
    await second.kill();
    const statuses = (await Promise.all(during)).map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 504), `statuses ${statuses}`).toBe(true);

    const after = await Promise.all(Array.from({ length: 20 }, (_, i) => acme.get(`/api/org/acme/sturdy?who=after-${i}`)));
    expect(after.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await jsonOf(after[0])).toEqual({ hello: 'after-0', method: 'GET', org: 'acme' });
  }, 120_000);
});
