import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ROLES } from '../orgs/directory';
import { bearer, jsonOf, login, mockPerTest } from '../testing/mock';
import { busClients, grantedQos, registerService, withBearer } from './testing';

const ACME = '4a1e2c4e-7b8f-4d51-9a3e-2f6a1c0d0a01';
const ACME_ADMIN = '1d4c8a52-6f0e-4b1a-9e7d-3c2b1a0f0a11';
const GLOBEX = '9c2b7d10-3e55-4f2a-8b61-5d7e9f0b0b02';

describe('vCD MQTT bus: authentication', () => {
  const startMock = mockPerTest();
  const connect = busClients();

  it('accepts a session token as Authorization: Bearer on the upgrade, and as the password of user@org', async () => {
    const mock = await startMock();
    const token = await login(mock, 'acme');
    expect((await connect(mock, withBearer(token))).connected).toBe(true);
    expect((await connect(mock, { username: 'admin@acme', password: token })).connected).toBe(true);
  });

  it('refuses a wrong, foreign or logged-out token and a user@org the token does not belong to', async () => {
    const mock = await startMock();
    const acme = await login(mock, 'acme');
    await expect(connect(mock, withBearer('not-a-session'))).rejects.toThrow(/Bad username or password/i);
    await expect(connect(mock, { username: 'admin@globex', password: acme })).rejects.toThrow(/Bad username or password/i);
    await fetch(`${mock.url}/cloudapi/1.0.0/sessions/current`, { method: 'DELETE', headers: bearer(acme) });
    await expect(connect(mock, { username: 'admin@acme', password: acme })).rejects.toThrow(/Bad username or password/i);
  });

  it('refuses an expired session', async () => {
    let now = Date.now();
    const mock = await startMock({ sessionIdleTimeoutMs: 60_000, now: () => now });
    const token = await login(mock, 'acme');
    now += 61_000;
    await expect(connect(mock, withBearer(token))).rejects.toThrow(/Bad username or password/i);
  });

  it('lets a service in with its triplet and EXTENSION token, and closes it when the token is revoked', async () => {
    const mock = await startMock();
    const svc = await registerService(mock);
    await expect(connect(mock, { username: svc.triplet, password: 'wrong' })).rejects.toThrow(/Bad username or password/i);
    const client = await connect(mock, { username: svc.triplet, password: svc.token });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const res = await fetch(`${mock.url}/cloudapi/1.0.0/tokens/${svc.tokenId}`, { method: 'DELETE', headers: bearer(svc.provider) });
    expect(res.status).toBe(204);
    await closed;
    await expect(connect(mock, { username: svc.triplet, password: svc.token })).rejects.toThrow(/Bad username or password/i);
  });

  it('refuses a persistent session (clean=false): the bus keeps no state', async () => {
    const mock = await startMock();
    const token = await login(mock, 'acme');
    await expect(connect(mock, { ...withBearer(token), clean: false, clientId: 'durable-1' })).rejects.toThrow(/Identifier rejected/i);
  });
});

describe('vCD MQTT bus: topic ACLs', () => {
  const startMock = mockPerTest();
  const connect = busClients();

  it('gives a tenant admin its own org only; publish/# and metrics/# are for system administrators', async () => {
    const mock = await startMock();
    const tenant = await connect(mock, withBearer(await login(mock, 'acme')));
    expect(await grantedQos(tenant, `publish/${ACME}/+`)).toBe(1);
    expect(await grantedQos(tenant, `publish/${ACME}/${ACME_ADMIN}`)).toBe(1);
    expect(await grantedQos(tenant, 'publish/#')).toBe(128);
    expect(await grantedQos(tenant, `publish/${GLOBEX}/+`)).toBe(128);
    expect(await grantedQos(tenant, `metrics/${ACME}/#`)).toBe(128);
    expect(await grantedQos(tenant, '#')).toBe(128);
    const admin = await connect(mock, withBearer(await login(mock, 'provider')));
    expect(await grantedQos(admin, 'publish/#')).toBe(1);
    expect(await grantedQos(admin, 'metrics/#')).toBe(1);
    expect(await grantedQos(admin, '#')).toBe(128);
  });

  it('gives a tenant user who is no org admin only its own user topic', async () => {
    const mock = await startMock();
    const role = { name: 'vApp User', id: 'urn:vcloud:role:00000000-0000-4000-8000-00000000aa01', rights: ROLES.orgAdmin.rights.slice(0, 1) };
    mock.state.directory.roles.push(role);
    const userUuid = '00000000-0000-4000-8000-00000000bb01';
    mock.state.directory.users.push({ name: 'alice', id: `urn:vcloud:user:${userUuid}`, orgId: `urn:vcloud:org:${ACME}`, password: 'alice-pw', fullName: 'Alice', roleIds: [role.id] });
    const res = await fetch(`${mock.url}/cloudapi/1.0.0/sessions`, {
      method: 'POST',
      headers: { Accept: 'application/json;version=37.0', Authorization: `Basic ${Buffer.from('alice@acme:alice-pw').toString('base64')}` },
    });
    const client = await connect(mock, { username: 'alice@acme', password: res.headers.get('x-vmware-vcloud-access-token')! });
    expect(await grantedQos(client, `publish/${ACME}/${userUuid}`)).toBe(1);
    expect(await grantedQos(client, `publish/${ACME}/+`)).toBe(128);
    expect(await grantedQos(client, `publish/${ACME}/${ACME_ADMIN}`)).toBe(128);
  });

  it('keeps the service topics to the service: others can neither read its requests nor answer for it', async () => {
    const mock = await startMock();
    const svc = await registerService(mock);
    const admin = await connect(mock, withBearer(await login(mock, 'provider')));
    expect(await grantedQos(admin, svc.monitor)).toBe(128);
    expect(await grantedQos(admin, 'topic/extension/#')).toBe(128);
    const closed = new Promise<void>((resolve) => admin.once('close', () => resolve()));
    admin.publish(svc.respond, '{"type":"API_RESPONSE"}');
    await closed; // a refused PUBLISH ends the connection (3.1.1 has no negative PUBACK)
    const service = await connect(mock, { username: svc.triplet, password: svc.token });
    expect(await grantedQos(service, svc.monitor)).toBe(1);
    expect(await grantedQos(service, 'publish/#')).toBe(128);
    const stats = await jsonOf(await fetch(`${mock.url}/mock/admin/mqtt`, { headers: bearer(svc.provider) }));
    expect(stats).toMatchObject({ refusedPublishes: 1 });
  });

  it('delivers a notification on publish/{org}/{user} to that org and the system admin, not to another org', async () => {
    const mock = await startMock();
    const acme = await connect(mock, withBearer(await login(mock, 'acme')));
    const globex = await connect(mock, withBearer(await login(mock, 'globex')));
    const admin = await connect(mock, withBearer(await login(mock, 'provider')));
    await acme.subscribeAsync(`publish/${ACME}/+`);
    await globex.subscribeAsync(`publish/${GLOBEX}/+`);
    await admin.subscribeAsync('publish/#');
    const got: Record<string, unknown[]> = { acme: [], globex: [], admin: [] };
    for (const [name, c] of Object.entries({ acme, globex, admin })) c.on('message', (_t, p) => got[name].push(JSON.parse(p.toString())));
    const n = mock.state.infra.notifier.emitNotification({
      event: 'vm/create', operationSuccess: true, userId: `urn:vcloud:user:${ACME_ADMIN}`, orgId: `urn:vcloud:org:${ACME}`,
      entity: 'urn:vcloud:vm:1', task: 'urn:vcloud:task:1', taskOwner: 'urn:vcloud:vm:1',
    });
    await expect.poll(() => got.admin.length).toBe(1);
    await expect.poll(() => got.acme.length).toBe(1);
    expect(got.acme[0]).toEqual({ type: 'EVENT', headers: { contentType: 'application/json' }, payload: JSON.stringify(n) });
    expect(got.globex).toEqual([]);
  });

  it('publishes VM metrics on metrics/{org}/{vApp} for a system admin', async () => {
    const mock = await startMock({ mqtt: { metricsIntervalMs: 50 } });
    const admin = await connect(mock, withBearer(await login(mock, 'provider')));
    await admin.subscribeAsync('metrics/#');
    const message = await new Promise<{ topic: string; body: { type: string; payload: string } }>((resolve) =>
      admin.once('message', (topic, p) => resolve({ topic, body: JSON.parse(p.toString()) })),
    );
    expect(message.topic).toMatch(/^metrics\/[0-9a-f-]{36}\/[0-9a-f-]{36}$/);
    const payload = JSON.parse(message.body.payload);
    expect(message.body.type).toBe('METRICS');
    expect(payload.vApp).toBe(`urn:vcloud:vapp:${message.topic.split('/')[2]}`);
    expect(payload.vms[0].metrics.map((m: { name: string }) => m.name)).toContain('cpu.usage.average');
  });
});

describe('vCD MQTT bus: garbage', () => {
  const startMock = mockPerTest();
  const connect = busClients();

  it('drops a connection that sends no MQTT, counts it, and keeps serving others', async () => {
    const mock = await startMock();
    const ws = new WebSocket(mock.mqttUrl, 'mqtt');
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const closed = new Promise((resolve) => ws.once('close', resolve));
    ws.send(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x01]));
    await closed;
    const token = await login(mock, 'provider');
    const stats = await jsonOf(await fetch(`${mock.url}/mock/admin/mqtt`, { headers: bearer(token) }));
    expect(stats.garbageFrames).toBe(1);
    expect((await connect(mock, withBearer(token))).connected).toBe(true);
  });

  it('drops every connection on /mock/admin/mqtt/disconnect, refuses new ones for refuseMs, then takes them again', async () => {
    const mock = await startMock();
    const token = await login(mock, 'provider');
    const client = await connect(mock, withBearer(token));
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const disconnect = (body: unknown) =>
      fetch(`${mock.url}/mock/admin/mqtt/disconnect`, { method: 'POST', headers: bearer(token, { 'Content-Type': 'application/json' }), body: JSON.stringify(body) });
    expect(await jsonOf(await disconnect({ refuseMs: 600_000 }))).toEqual({ disconnected: 1, refuseMs: 600_000 });
    await closed;
    await expect(connect(mock, withBearer(token))).rejects.toThrow(/Server unavailable/i);
    expect(await jsonOf(await disconnect({ refuseMs: 0 }))).toEqual({ disconnected: 0, refuseMs: 0 }); // the bus is back
    expect((await connect(mock, withBearer(token))).connected).toBe(true);
    const bad = await disconnect({ refuseMs: 'soon' });
    expect(bad.status).toBe(400);
  });

  it('answers a WebSocket without the mqtt subprotocol or on another path with an HTTP error', async () => {
    const mock = await startMock();
    const status = (url: string, protocol?: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url, protocol);
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => resolve(101));
        ws.once('error', () => resolve(-1));
      });
    expect(await status(mock.mqttUrl)).toBe(400);
    expect(await status(mock.mqttUrl.replace('/messaging/mqtt', '/messaging/other'), 'mqtt')).toBe(404);
  });
});
