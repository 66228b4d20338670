import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, jsonOf, newFunction, type Harness } from '../testing/harness';
import { SLOW_HANDLER, startAmqpHarness, stopAmqpHarness, type Names } from '../testing/amqp';

/**
 * Issue 6/7, restarts: the real RabbitMQ is stopped and started again while the mock vCD forwards tenant requests to
 * the backend over it. In-flight calls end answered or as vCD's 504, none runs twice, and later calls are answered
 * again without restarting anything else.
 */

/** Stops the broker node and starts it again as the machine's services start it; resolves once it accepts work. */
async function restartBroker(): Promise<void> {
  execFileSync('rabbitmqctl', ['-q', 'stop'], { stdio: 'pipe', timeout: 60_000 });
  execFileSync('rabbitmq-server', ['-detached'], { stdio: 'pipe', timeout: 60_000 });
  // -detached returns before the node answers; await_startup needs a node that is already reachable.
  for (let i = 0; ; i++) {
    try {
      execFileSync('rabbitmqctl', ['-q', 'await_startup'], { stdio: 'pipe', timeout: 60_000 });
      return;
    } catch (err) {
      if (i >= 120) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

describe('RabbitMQ restarted under load', () => {
  let started: { harness: Harness; names: Names };

  beforeAll(async () => {
    started = await startAmqpHarness({ timeoutMs: 8000 });
  }, 120_000);

  afterAll(async () => {
    if (started) await stopAmqpHarness(started);
  }, 60_000);

  it('ends every in-flight call once or with 504, runs none twice, and answers again once the broker is back', async () => {
    const acme = api(() => started.harness.mock.url, await started.harness.login('acme'));
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('slow', { code: SLOW_HANDLER }))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'slow')).status).toBe('ready');

    const calls = Array.from({ length: 10 }, (_, n) => acme.post(`/api/org/acme/slow?n=${n}`, {}));
    await restartBroker();
    const statuses = (await Promise.all(calls)).map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 504 || s === 503), `statuses ${statuses}`).toBe(true);

    let after = 0;
    let attempts = 0;
    for (let i = 0; i < 300 && after !== 200; i++) {
      attempts += 1;
      after = (await acme.post('/api/org/acme/slow?n=after', {})).status;
      if (after !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(after).toBe(200);
    const activations = await jsonOf(await acme.get('/api/org/acme/faas/functions/slow/activations?limit=100'));
    // Every answered call ran; no call ran twice: at most one activation per call made (the ten, then the attempts).
    expect(activations.items.length).toBeGreaterThanOrEqual(statuses.filter((s) => s === 200).length + 1);
    expect(activations.items.length).toBeLessThanOrEqual(10 + attempts);
  }, 240_000);
});
