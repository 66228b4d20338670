import { describe, expect, it } from 'vitest';
import { startMockVcd } from '../../../mock-vcd/main';
import { loadConfig, mqttUrlOf, transportOf } from '../../config';
import { startServer } from '../../main';
import { api, freshStore } from '../../testing/harness';
import { registerMqttService } from '../../testing/mqtt-service';

/** How the configuration picks vCD's transport and finds its bus, from the environment a provider sets. */

describe('transport configuration', () => {
  it('runs over vCD\'s MQTT bus with no setting, next to VCD_URL', () => {
    const config = loadConfig({});
    expect(transportOf(config)).toBe('mqtt');
    expect(mqttUrlOf(config)).toBe('ws://127.0.0.1:8088/messaging/mqtt');
    expect(mqttUrlOf(loadConfig({ VCD_URL: 'https://vcd.example.com' }))).toBe('wss://vcd.example.com/messaging/mqtt');
    expect(config).toMatchObject({ mqttService: 'vcd-serverless/serverless/1.0.0', mqttRequestExpiryMs: 300_000, vcdInsecureTls: false });
  });

  it('keeps AMQP when AMQP_URL is set, and VCD_TRANSPORT wins over it', () => {
    expect(transportOf(loadConfig({ AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672' }))).toBe('amqp');
    expect(transportOf(loadConfig({ AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672', VCD_TRANSPORT: 'mqtt' }))).toBe('mqtt');
    expect(transportOf(loadConfig({ VCD_TRANSPORT: 'http' }))).toBe('http');
  });

  it('names what is wrong: an unknown transport, amqp without a broker, a half events account, a bad service name', () => {
    expect(() => loadConfig({ VCD_TRANSPORT: 'pigeon' })).toThrow(/VCD_TRANSPORT/);
    expect(() => loadConfig({ VCD_TRANSPORT: 'amqp' })).toThrow(/VCD_TRANSPORT=amqp needs AMQP_URL/);
    expect(() => loadConfig({ VCD_EVENTS_USER: 'administrator@System' })).toThrow(/VCD_EVENTS_USER and VCD_EVENTS_PASSWORD go together/);
    expect(() => loadConfig({ VCD_EXTENSION_SERVICE: 'no-slashes' })).toThrow(/VCD_EXTENSION_SERVICE: vendor\/name\/version/);
  });

  it('takes VCD_INSECURE_TLS only as an explicit 1/true', () => {
    expect(loadConfig({ VCD_INSECURE_TLS: '1' }).vcdInsecureTls).toBe(true);
    expect(loadConfig({ VCD_INSECURE_TLS: '0' }).vcdInsecureTls).toBe(false);
    expect(() => loadConfig({ VCD_INSECURE_TLS: 'yes please' })).toThrow(/VCD_INSECURE_TLS/);
  });
});

describe('a backend started with no transport setting', () => {
  it("answers vCD's calls over the MQTT bus, the only way the mock vCD can reach it", async () => {
    const saved = { VCD_TRANSPORT: process.env.VCD_TRANSPORT, AMQP_URL: process.env.AMQP_URL };
    delete process.env.VCD_TRANSPORT;
    delete process.env.AMQP_URL;
    const mock = await startMockVcd({ portalDir: '/nonexistent-portal' });
    const store = await freshStore('pglite');
    try {
      // No HTTP forwarding and no AMQP in this mock: only the external service on its bus serves /api/org/.../faas.
      const { token } = await registerMqttService(mock.url);
      const backend = await startServer({ port: 0, vcdUrl: mock.url, mqttToken: token, logLevel: 'silent', ...store.overrides });
      try {
        const login = await fetch(`${mock.url}/cloudapi/1.0.0/sessions`, {
          method: 'POST',
          headers: { Accept: 'application/json;version=37.0', Authorization: `Basic ${Buffer.from('admin@acme:acme-demo').toString('base64')}` },
        });
        const acme = api(() => mock.url, login.headers.get('x-vmware-vcloud-access-token') as string);
        await expect.poll(async () => (await acme.get('/api/org/acme/faas/functions')).status, { timeout: 15_000 }).toBe(200);
        expect(mock.state.mqtt.connectedClients).toBeGreaterThanOrEqual(1);
      } finally {
        await backend.close();
      }
    } finally {
      await mock.close();
      await store.drop();
      for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
    }
  });
});
