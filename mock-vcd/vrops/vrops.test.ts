import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as snmp from 'net-snmp';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningMockVcd } from '../main';
import { freeUdpPort, jsonOf, login, mockPerTest } from '../testing/mock';
import { ACME, GLOBEX, admin } from '../testing/infra';
import { ALERT_DATA_OIDS, TRAP_PROBLEM_ACTIVE } from './snmp';

const start = mockPerTest();
const servers: Server[] = [];
const receivers: snmp.Receiver[] = [];
afterEach(() => {
  servers.splice(0).forEach((s) => s.close());
  receivers.splice(0).forEach((r) => r.close());
});

interface Received {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/** A vROps REST notification endpoint answering like a webhook receiver should (201 POST, 202 PUT). */
async function restReceiver(): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      received.push({ method: req.method!, path: req.url!, body: JSON.parse(data) });
      res.writeHead(req.method === 'POST' ? 201 : 202).end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`, received };
}

const json = (token: string, method: string, mock: RunningMockVcd, path: string, body?: unknown) =>
  fetch(mock.url + path, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

async function acmeWebGroup(mock: RunningMockVcd, token: string, thresholds: Record<string, number>) {
  const res = await json(token, 'PUT', mock, '/mock/vrops/groups/acme-web', {
    members: ACME.vms.map((u) => `urn:vcloud:vm:${u}`),
    thresholds,
  });
  expect(res.status).toBe(200);
  return jsonOf(res);
}

describe('mock vROps', () => {
  it('raises an ACTIVE alert by POST when the group’s CPU super metric crosses the threshold, and PUTs it CANCELED when the load drops', async () => {
    const receiver = await restReceiver();
    const mock = await start({ vrops: { restTargets: [{ url: receiver.url }], intervalMs: 3_600_000 } });
    const provider = await login(mock, 'provider');
    const acme = await login(mock, 'acme');
    const group = await acmeWebGroup(mock, acme, { cpuScaleOut: 70, cpuScaleIn: 10 });

    await admin(mock, provider, 'PUT', `/mock/admin/vapps/${ACME.vapp}/load`, { load: 180 });
    await json(provider, 'POST', mock, '/mock/vrops/evaluate');
    expect(receiver.received).toHaveLength(1);
    const active = receiver.received[0];
    expect(active.method).toBe('POST');
    expect(active.path).toBe('/alerts');
    expect(active.body).toMatchObject({
      status: 'ACTIVE',
      alertName: 'CPU above scale-out threshold',
      resourceId: group.id,
      resourceName: 'acme-web',
      cancelDate: null,
    });
    // Still above: no second notification.
    await json(provider, 'POST', mock, '/mock/vrops/evaluate');
    expect(receiver.received).toHaveLength(1);

    await admin(mock, provider, 'PUT', `/mock/admin/vapps/${ACME.vapp}/load`, { load: 60 });
    await json(provider, 'POST', mock, '/mock/vrops/evaluate');
    expect(receiver.received).toHaveLength(2);
    const canceled = receiver.received[1];
    expect(canceled.method).toBe('PUT');
    expect(canceled.path).toBe(`/alerts/${active.body.alertId}`);
    expect(canceled.body).toMatchObject({ status: 'CANCELED', alertId: active.body.alertId });
    expect(canceled.body.cancelDate).toEqual(expect.any(Number));
  });

  it('raises a scale-in alert when the CPU falls below the scale-in threshold, after the configured wait cycles', async () => {
    const receiver = await restReceiver();
    const mock = await start({ vrops: { restTargets: [{ url: receiver.url }], intervalMs: 3_600_000 } });
    const provider = await login(mock, 'provider');
    const acme = await login(mock, 'acme');
    await json(acme, 'PUT', mock, '/mock/vrops/groups/acme-web', { members: ACME.vms, thresholds: { cpuScaleIn: 20 }, waitCycles: 2 });
    await admin(mock, provider, 'PUT', `/mock/admin/vapps/${ACME.vapp}/load`, { load: 10 });
    await json(provider, 'POST', mock, '/mock/vrops/evaluate');
    expect(receiver.received).toHaveLength(0);
    await json(provider, 'POST', mock, '/mock/vrops/evaluate');
    expect(receiver.received.map((r) => r.body.alertName)).toEqual(['CPU below scale-in threshold']);
  });

  it('evaluates on its own interval', async () => {
    const receiver = await restReceiver();
    const mock = await start({ vrops: { restTargets: [{ url: receiver.url }], intervalMs: 20 } });
    const acme = await login(mock, 'acme');
    await acmeWebGroup(mock, acme, { memScaleOut: 10 });
    for (let i = 0; i < 500 && receiver.received.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(receiver.received[0]?.body).toMatchObject({ status: 'ACTIVE', alertName: 'Memory above scale-out threshold' });
  });

  it('sends the alert as an SNMPv2c trap of VMWARE-VCOPS-EVENT-MIB to a trap receiver', async () => {
    const port = await freeUdpPort();
    const traps: snmp.Notification[] = [];
    receivers.push(snmp.createReceiver({ port, address: '127.0.0.1', disableAuthorization: true }, (err, n) => n && traps.push(n)));
    const mock = await start({ vrops: { snmpTargets: [{ host: '127.0.0.1', port, community: 'public' }], intervalMs: 3_600_000 } });
    const provider = await login(mock, 'provider');
    const acme = await login(mock, 'acme');
    await acmeWebGroup(mock, acme, { cpuScaleOut: 70 });
    await admin(mock, provider, 'PUT', `/mock/admin/vapps/${ACME.vapp}/load`, { load: 180 });
    await json(provider, 'POST', mock, '/mock/vrops/evaluate');
    for (let i = 0; i < 500 && traps.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(traps).toHaveLength(1);
    const byOid = new Map(traps[0].pdu.varbinds.map((v) => [v.oid, Buffer.isBuffer(v.value) ? v.value.toString() : v.value]));
    expect(byOid.get('1.3.6.1.6.3.1.1.4.1.0')).toBe(TRAP_PROBLEM_ACTIVE);
    expect(byOid.get(ALERT_DATA_OIDS.entityName)).toBe('acme-web');
    expect(byOid.get(ALERT_DATA_OIDS.definitionName)).toBe('CPU above scale-out threshold');
  });

  it('keeps groups per org: a tenant cannot add another org’s VM, nor see its groups and alerts', async () => {
    const mock = await start({ vrops: { intervalMs: 3_600_000 } });
    const acme = await login(mock, 'acme');
    const globex = await login(mock, 'globex');
    await acmeWebGroup(mock, acme, { cpuScaleOut: 1 });
    const foreign = await json(globex, 'PUT', mock, '/mock/vrops/groups/steal', { members: [ACME.vms[0]] });
    expect(foreign.status).toBe(400);
    expect((await jsonOf(foreign)).message).toMatch(/members\[0\]/);
    expect((await jsonOf(await json(globex, 'GET', mock, '/mock/vrops/groups'))).groups).toEqual([]);
    expect((await json(globex, 'GET', mock, '/mock/vrops/groups/acme-web')).status).toBe(404);
    const own = await json(globex, 'PUT', mock, '/mock/vrops/groups/acme-web', { members: [GLOBEX.vms[0]] });
    expect(own.status).toBe(200);
    expect((await json(globex, 'PUT', mock, '/mock/vrops/targets', { rest: [] })).status).toBe(403);
  });

  it('rejects bad group and target settings naming the field', async () => {
    const mock = await start({ vrops: { intervalMs: 3_600_000 } });
    const acme = await login(mock, 'acme');
    const provider = await login(mock, 'provider');
    const threshold = await json(acme, 'PUT', mock, '/mock/vrops/groups/web', { members: [], thresholds: { cpuScaleOut: 150 } });
    expect((await jsonOf(threshold)).message).toMatch(/thresholds\.cpuScaleOut/);
    const target = await json(provider, 'PUT', mock, '/mock/vrops/targets', { snmp: [{ host: 'nowhere', port: 162 }] });
    expect(target.status).toBe(400);
    expect((await jsonOf(target)).message).toMatch(/snmp\[0\]\.host/);
  });
});
