import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { bearer, jsonOf, login, mockPerTest } from '../testing/mock';
import { busClients, registerService } from './testing';

/** A tiny external service: answers each API_REQUEST with what it decoded, as a backend would (docs/vcd-mqtt.md §4). */
function echoService(client: MqttClient, monitor: string, respond: string, answer: (request: any) => any = (r) => r) {
  client.on('message', (topic, raw) => {
    if (topic !== monitor) return;
    const envelope = JSON.parse(raw.toString());
    const payload = JSON.parse(Buffer.from(envelope.httpRequest, 'base64').toString('utf8'));
    const body = {
      headers: envelope.headers,
      linkApiBaseUrl: envelope.linkApiBaseUrl,
      message: { ...payload.message, body: payload.message.body && Buffer.from(payload.message.body, 'base64').toString('utf8') },
      securityContext: payload.securityContext,
    };
    const reply = answer(body);
    if (reply === undefined) return;
    client.publish(
      respond,
      JSON.stringify({
        type: 'API_RESPONSE',
        headers: { requestId: envelope.headers.requestId },
        httpResponse: {
          statusCode: 201,
          headers: { 'Content-Type': 'application/json', 'Set-Cookie': 'leak=1', Authorization: 'Bearer leak', 'X-Echo': 'yes' },
          body: Buffer.from(JSON.stringify(reply)).toString('base64'),
        },
      }),
    );
  });
}

describe('API extensions over the MQTT bus', () => {
  const startMock = mockPerTest();
  const connect = busClients();

  it('turns a matching /api request into an API_REQUEST and answers with the API_RESPONSE, minus vCD-dropped headers', async () => {
    const mock = await startMock();
    const svc = await registerService(mock);
    const service = await connect(mock, { username: svc.triplet, password: svc.token });
    await service.subscribeAsync(svc.monitor);
    echoService(service, svc.monitor, svc.respond);
    const tenant = await login(mock, 'acme');
    const res = await fetch(`${mock.url}/api/org/acme/echo/fn?x=1`, {
      method: 'POST',
      headers: bearer(tenant, { 'Content-Type': 'application/json', Cookie: 'vcloud_session_id=secret' }),
      body: '{"hello":"world"}',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-echo')).toBe('yes');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('authorization')).toBeNull();
    const seen = await jsonOf(res);
    expect(seen.headers.requestId).toBe(res.headers.get('x-vmware-vcloud-request-id'));
    expect(seen.headers.context).toMatchObject({ apiAccessToken: tenant, user: 'urn:vcloud:user:1d4c8a52-6f0e-4b1a-9e7d-3c2b1a0f0a11', org: 'urn:vcloud:org:4a1e2c4e-7b8f-4d51-9a3e-2f6a1c0d0a01' });
    expect(seen.securityContext).toEqual(seen.headers.context);
    expect(seen.message).toMatchObject({ request: true, method: 'POST', requestUri: '/api/org/acme/echo/fn', queryString: 'x=1', body: '{"hello":"world"}' });
    expect(seen.message.headers['content-type']).toBe('application/json');
    expect(seen.message.headers.cookie).toBeUndefined();
    expect(seen.linkApiBaseUrl).toBe(`${mock.url}/api`);
  });

  it("answers vCD's 504 when the service does not answer in time, and counts the late answer", async () => {
    const mock = await startMock({ mqtt: { requestTimeoutMs: 200 } });
    const svc = await registerService(mock);
    const service = await connect(mock, { username: svc.triplet, password: svc.token });
    await service.subscribeAsync(svc.monitor);
    const requests: any[] = [];
    echoService(service, svc.monitor, svc.respond, (r) => void requests.push(r));
    const res = await fetch(`${mock.url}/api/org/acme/echo`, { headers: bearer(await login(mock, 'acme')) });
    expect(res.status).toBe(504);
    expect(await jsonOf(res)).toMatchObject({ minorErrorCode: 'GATEWAY_TIMEOUT' });
    expect(requests).toHaveLength(1);
    service.publish(svc.respond, JSON.stringify({ type: 'API_RESPONSE', headers: { requestId: requests[0].headers.requestId }, httpResponse: { statusCode: 200 } }));
    await expect.poll(async () => (await jsonOf(await fetch(`${mock.url}/mock/admin/mqtt`, { headers: bearer(svc.provider) }))).unmatchedResponses).toBe(1);
  });

  it('drops and counts garbage on the respond topic; the service stays connected and later answers get through', async () => {
    const mock = await startMock();
    const svc = await registerService(mock);
    const service = await connect(mock, { username: svc.triplet, password: svc.token });
    await service.subscribeAsync(svc.monitor);
    let first = true;
    echoService(service, svc.monitor, svc.respond, (r) => {
      if (!first) return { ok: r.message.requestUri };
      first = false;
      service.publish(svc.respond, 'not json at all');
      service.publish(svc.respond, JSON.stringify({ type: 'API_RESPONSE', headers: { requestId: r.headers.requestId }, httpResponse: { statusCode: 'x' } }));
      return { ok: 'after garbage' };
    });
    const tenant = await login(mock, 'acme');
    const a = await fetch(`${mock.url}/api/org/acme/echo/a`, { headers: bearer(tenant) });
    expect(await jsonOf(a)).toEqual({ ok: 'after garbage' });
    const b = await fetch(`${mock.url}/api/org/acme/echo/b`, { headers: bearer(tenant) });
    expect(await jsonOf(b)).toEqual({ ok: '/api/org/acme/echo/b' });
    const stats = await jsonOf(await fetch(`${mock.url}/mock/admin/mqtt`, { headers: bearer(svc.provider) }));
    expect(stats.garbagePayloads).toBe(2);
    expect(service.connected).toBe(true);
  });

  it('does not forward for a disabled service, without a session, or on a path no filter matches', async () => {
    const mock = await startMock({ mqtt: { requestTimeoutMs: 200 } });
    const svc = await registerService(mock);
    expect((await fetch(`${mock.url}/api/org/acme/echo`)).status).toBe(401);
    const tenant = await login(mock, 'acme');
    expect((await fetch(`${mock.url}/api/org/acme/other`, { headers: bearer(tenant) })).status).toBe(404);
    const put = await fetch(`${mock.url}/cloudapi/extensions/api/${svc.id}`, {
      method: 'PUT',
      headers: bearer(svc.provider, { 'Content-Type': 'application/json' }),
      body: JSON.stringify({ name: 'echo', vendor: 'tests', version: '1.0.0', priority: 50, enabled: false }),
    });
    expect(await jsonOf(put)).toMatchObject({ enabled: false, mqttTopics: { monitor: svc.monitor } });
    expect((await fetch(`${mock.url}/api/org/acme/echo`, { headers: bearer(tenant) })).status).toBe(404);
  });
});

describe('precedence between MQTT and legacy (HTTP/AMQP) API extensions', () => {
  const startMock = mockPerTest();
  const connect = busClients();

  it('forwards to the higher priority of the two kinds on the same URL', async () => {
    const mock = await startMock();
    const svc = await registerService(mock);
    const service = await connect(mock, { username: svc.triplet, password: svc.token });
    await service.subscribeAsync(svc.monitor);
    echoService(service, svc.monitor, svc.respond, () => 'mqtt');
    const legacyHttp = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('"http"'));
    await new Promise<void>((resolve) => legacyHttp.listen(0, '127.0.0.1', () => resolve()));
    try {
      mock.state.httpExtensions.legacy = `http://127.0.0.1:${(legacyHttp.address() as AddressInfo).port}`;
      const legacy = mock.state.extensions.register(
        { name: 'legacy', namespace: 'legacy', vendor: 'tests', description: '', priority: 10, enabled: true, routingKey: 'legacy', exchange: 'vcdext' },
        ['/api/org/[^/]+/echo(/.*)?'],
      );
      const tenant = await login(mock, 'acme');
      const who = async () => jsonOf(await fetch(`${mock.url}/api/org/acme/echo`, { headers: bearer(tenant) }));
      expect(await who()).toBe('mqtt'); // 50 over 10
      legacy.priority = 90;
      expect(await who()).toBe('http');
    } finally {
      await new Promise((resolve) => legacyHttp.close(resolve));
    }
  });
});

describe('cloudapi external services, API filters and tokens', () => {
  const startMock = mockPerTest();

  it('generates the vCD id and MQTT topics, lists, gets and deletes, and shows a token value only once', async () => {
    const mock = await startMock();
    const svc = await registerService(mock);
    expect(svc.id).toBe('urn:vcloud:extension-api:tests:echo:1.0.0');
    expect(svc.monitor).toBe('topic/extension/tests/echo/1.0.0/ext');
    expect(svc.respond).toBe('topic/extension/tests/echo/1.0.0/vcd');
    const h = bearer(svc.provider);
    const list = await jsonOf(await fetch(`${mock.url}/cloudapi/extensions/api`, { headers: h }));
    expect(list.values.map((s: { id: string }) => s.id)).toEqual([svc.id]);
    const filters = await jsonOf(await fetch(`${mock.url}/cloudapi/1.0.0/apiFilters`, { headers: h }));
    expect(filters.values[0]).toMatchObject({ externalSystem: { id: svc.id }, urlMatcher: { urlScope: 'API' } });
    const tokens = await jsonOf(await fetch(`${mock.url}/cloudapi/1.0.0/tokens`, { headers: h }));
    expect(tokens.values[0]).toMatchObject({ id: svc.tokenId, type: 'EXTENSION' });
    expect(JSON.stringify(tokens)).not.toContain(svc.token);
    expect((await fetch(`${mock.url}/cloudapi/extensions/api/${svc.id}`, { method: 'DELETE', headers: h })).status).toBe(204);
    expect((await fetch(`${mock.url}/cloudapi/extensions/api/${svc.id}`, { headers: h })).status).toBe(404);
    expect((await jsonOf(await fetch(`${mock.url}/cloudapi/1.0.0/tokens`, { headers: h }))).values).toEqual([]);
  });

  it('refuses bad input with a 400 that says what is wrong, duplicates, and tenants', async () => {
    const mock = await startMock();
    const svc = await registerService(mock);
    const post = (path: string, body: unknown, token = svc.provider) =>
      fetch(mock.url + path, { method: 'POST', headers: bearer(token, { 'Content-Type': 'application/json' }), body: JSON.stringify(body) });
    const bad = await post('/cloudapi/extensions/api', { name: 'a/b', vendor: 'v', version: '1' });
    expect(bad.status).toBe(400);
    expect((await jsonOf(bad)).message).toMatch(/name: may use letters/);
    expect((await post('/cloudapi/extensions/api', { name: 'echo', vendor: 'tests', version: '1.0.0' })).status).toBe(400);
    const regex = await post('/cloudapi/1.0.0/apiFilters', { externalSystem: { id: svc.id }, urlMatcher: { urlPattern: '/api/(', urlScope: 'API' } });
    expect((await jsonOf(regex)).message).toMatch(/urlPattern/);
    const scope = await post('/cloudapi/1.0.0/apiFilters', { externalSystem: { id: svc.id }, urlMatcher: { urlPattern: '/x/.*', urlScope: 'EXT_API' } });
    expect(scope.status).toBe(400);
    const token = await post('/cloudapi/1.0.0/tokens', { name: 'x', type: 'EXTENSION', extensionId: 'urn:vcloud:extension-api:no:such:1' });
    expect((await jsonOf(token)).message).toMatch(/extensionId/);
    const tenant = await post('/cloudapi/extensions/api', { name: 'x', vendor: 'y', version: '1' }, await login(mock, 'acme'));
    expect(tenant.status).toBe(403);
  });
});
