import { describe, expect, it } from 'vitest';
import { api, jsonOf, newFunction } from '../../testing/harness';
import { amqpHarnessPerTest } from '../../testing/amqp-per-test';
import { closeConnection, SLOW_HANDLER } from '../../testing/amqp';

/** The broker connection dropped under load: requests end answered or as vCD's 504, none applied twice. */

const start = amqpHarnessPerTest();

describe('broker connection lost under load', () => {
  it('answers every in-flight POST once or with 504, runs none twice, and serves the next ones', async () => {
    const started = await start({ timeoutMs: 8000 });
    const { harness, names } = started;
    const acme = api(() => harness.mock.url, await harness.login('acme'));
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('slow', { code: SLOW_HANDLER, limits: { timeoutMs: 10_000 } }))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'slow')).status).toBe('ready');

    const calls = Array.from({ length: 12 }, (_, n) => acme.post(`/api/org/acme/slow?n=${n}`, {}));
    await closeConnection(names.connectionName);
    const statuses = (await Promise.all(calls)).map((r) => r.status);

    expect(statuses.filter((s) => s !== 200 && s !== 504), `statuses ${statuses.join(',')}`).toEqual([]);
    const activations = await jsonOf(await acme.get('/api/org/acme/faas/functions/slow/activations?limit=100'));
    // Every answered call ran; no call ran twice (a redelivered POST this replica had started is not run again).
    const ran = activations.items.length;
    expect(ran, `statuses ${statuses.join(',')}`).toBeGreaterThanOrEqual(statuses.filter((s) => s === 200).length);
    expect(ran, `statuses ${statuses.join(',')}`).toBeLessThanOrEqual(12);

    let after = 0;
    for (let i = 0; i < 50 && after !== 200; i++) after = (await acme.post('/api/org/acme/slow?n=after', {})).status;
    expect(after).toBe(200);
  });
});
