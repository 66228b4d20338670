import { afterEach } from 'vitest';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { RunningMockVcd } from '../main';
import { ACCEPT, bearer, jsonOf, login } from '../testing/mock';

/** Helpers for the bus's tests: real mqtt.js clients over ws, closed after each test, and a registered service. */

export function busClients() {
  const open: MqttClient[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
  });
  return async (mock: RunningMockVcd, options: IClientOptions = {}): Promise<MqttClient> => {
    const client = await mqtt.connectAsync(mock.mqttUrl, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000, clean: true, ...options });
    open.push(client);
    return client;
  };
}

export const withBearer = (token: string): IClientOptions => ({ wsOptions: { headers: { Authorization: `Bearer ${token}` } } });

/** The QoS the broker granted per filter; 128 is a refusal (MQTT 3.1.1 §3.9.3). */
export async function grantedQos(client: MqttClient, topic: string): Promise<number> {
  try {
    const granted = await client.subscribeAsync(topic, { qos: 1 });
    return granted[0]?.qos ?? -1;
  } catch (err) {
    // mqtt.js rejects a refused filter, carrying the SUBACK it got.
    const granted = (err as { packet?: { granted?: number[] } }).packet?.granted;
    if (granted) return granted[0];
    throw err;
  }
}

export interface RegisteredService {
  id: string;
  triplet: string;
  token: string;
  tokenId: string;
  monitor: string;
  respond: string;
  provider: string;
}

/** Registers an external service, an API filter and an EXTENSION token as a provider would (docs/vcd-mqtt.md §5). */
export async function registerService(mock: RunningMockVcd, urlPattern = '/api/org/[^/]+/echo(/.*)?'): Promise<RegisteredService> {
  const provider = await login(mock, 'provider');
  const post = async (path: string, body: unknown) => {
    const res = await fetch(mock.url + path, { method: 'POST', headers: bearer(provider, { 'Content-Type': 'application/json' }), body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
    return jsonOf(res);
  };
  const service = await post('/cloudapi/extensions/api', { name: 'echo', vendor: 'tests', version: '1.0.0', priority: 50, enabled: true, authorizationEnabled: false });
  await post('/cloudapi/1.0.0/apiFilters', { externalSystem: { id: service.id, name: 'echo' }, urlMatcher: { urlPattern, urlScope: 'API' } });
  const token = await post('/cloudapi/1.0.0/tokens', { name: 'tests/echo/1.0.0', type: 'EXTENSION', extensionId: service.id });
  return { id: service.id, triplet: 'tests/echo/1.0.0', token: token.token, tokenId: token.id, monitor: service.mqttTopics.monitor, respond: service.mqttTopics.respond, provider };
}

export { ACCEPT };
