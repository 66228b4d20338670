import { describe, expect, it } from 'vitest';
import { loadConfig, mqttUrlOf, transportOf } from '../../config';

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
