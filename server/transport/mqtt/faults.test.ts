import { afterEach, describe, expect, it } from 'vitest';
import { installLedgerHook } from '../../testing/ledger-hook';
import { SLOW_LEDGER_HANDLER, startLedger } from '../../testing/ledger';
import { api, jsonOf, newFunction, startHarness, type Harness } from '../../testing/harness';
import { logCapture } from '../../testing/logs';
import { serviceTopics } from './extension-service';
import { MQTT_SERVICE } from '../../testing/mqtt-service';

/** Faults on vCD's MQTT bus with the mock's real broker: the bus dropped under load, garbage on the service's topic. */

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('vCD bus faults', () => {
  it('the bus dropped under load: in-flight calls end once or as 504, none runs twice, later calls are answered', async () => {
    const ledger = await startLedger();
    const unhook = installLedgerHook(ledger.url);
    try {
      harness = await startHarness('pglite', { transport: 'mqtt', mock: { mqtt: { requestTimeoutMs: 8000, metricsIntervalMs: 0 } } });
      const h = harness;
      const acme = api(() => h.mock.url, await h.login('acme'));
      expect((await acme.post('/api/org/acme/faas/functions', newFunction('slow', { code: SLOW_LEDGER_HANDLER }))).status).toBe(202);
      expect((await acme.waitBuilt('acme', 'slow')).status).toBe('ready');
      const send = (id: string) => acme.post(`/api/org/acme/slow?ledger=${id}`, {});

      expect(await ledger.call(send)).toBe(200);
      // Held in the backend (run, answer not yet published) while every bus connection drops, refused for 500 ms
      // (CONNACK 3) as a restarting cell would.
      ledger.hold();
      const calls = Array.from({ length: 8 }, () => ledger.call(send));
      await ledger.waitInFlight(8);
      const inFlight = await ledger.fault(async () => expect(h.mock.state.mqtt.disconnectAll(500)).toBeGreaterThanOrEqual(1));
      ledger.release();
      const statuses = await Promise.all(calls);
      await ledger.waitIdle();

      let after = 0;
      for (let i = 0; i < 50 && after !== 200; i++) after = await ledger.call(send);
      const v = ledger.verdict();
      ledger.report('mqtt bus dropped', v);
      expect(after).toBe(200);
      expect(inFlight.length).toBeGreaterThan(0);
      expect(statuses.filter((s) => s !== 200 && s !== 504), `statuses ${statuses}`).toEqual([]);
      expect(v.problems).toEqual([]);
    } finally {
      unhook();
      await ledger.close();
    }
  }, 120_000);

  it('garbage on the monitor topic is dropped and counted; the service keeps answering', async () => {
    const logs = logCapture();
    harness = await startHarness('pglite', { transport: 'mqtt', backend: { logLevel: 'warn' }, logStream: logs.stream, mock: { mqtt: { metricsIntervalMs: 0 } } });
    const h = harness;
    const { monitor } = serviceTopics(MQTT_SERVICE);
    const garbage = [
      Buffer.from([0, 1, 2, 3, 255]),
      Buffer.from('{"type":"API_REQUEST"'),
      Buffer.from(JSON.stringify({ type: 'API_REQUEST', headers: { requestId: 'g1', context: { user: 'u', org: 'o' } }, httpRequest: Buffer.from('not a payload').toString('base64') })),
      Buffer.from(JSON.stringify({ type: 'API_REQUEST', headers: { requestId: 'g2' }, httpRequest: 'AAAA' })),
    ];
    for (const g of garbage) await h.mock.state.mqtt.publish(monitor, g);
    await expect.poll(() => (logs.text().match(/mqtt message dropped/g) ?? []).length).toBe(garbage.length);
    expect(logs.text()).toContain('"malformed":4');

    const acme = api(() => h.mock.url, await h.login('acme'));
    expect((await acme.get('/api/org/acme/faas/functions')).status).toBe(200);
  });
});
