import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningMockVcd } from '../main';
import { jsonOf, login, mockPerTest } from '../testing/mock';
import { ACME, GLOBEX, admin, apiHeaders, cloudHeaders, cpuOf, getJson, waitForTask } from '../testing/infra';

const start = mockPerTest();
const poolId = `urn:vcloud:loadBalancerPool:${ACME.pool}`;

async function post(mock: RunningMockVcd, token: string, path: string, body?: unknown) {
  return fetch(mock.url + path, {
    method: 'POST',
    headers: apiHeaders(token, body === undefined ? {} : { 'Content-Type': 'application/vnd.vmware.vcloud.recomposeVAppParams+json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const recomposeBody = (mock: RunningMockVcd, name?: string) => ({
  sourcedItem: [{ source: { href: `${mock.url}/api/vAppTemplate/vm-${ACME.templateVm}` }, ...(name ? { vmGeneralParams: { name } } : {}) }],
});

/** Recompose + power on through the API; returns the new VM. */
async function scaleOutVm(mock: RunningMockVcd, token: string, name: string) {
  const res = await post(mock, token, `/api/vApp/vapp-${ACME.vapp}/action/recomposeVApp`, recomposeBody(mock, name));
  expect(res.status).toBe(202);
  expect((await waitForTask(mock, token, (await jsonOf(res)).href)).status).toBe('success');
  const vapp = await getJson(mock, token, `/api/vApp/vapp-${ACME.vapp}`);
  const vm = vapp.children.vm.find((v: { name: string }) => v.name === name);
  const on = await post(mock, token, `/api/vApp/vm-${vm.id.split(':').pop()}/power/action/powerOn`);
  expect((await waitForTask(mock, token, (await jsonOf(on)).href)).status).toBe('success');
  return getJson(mock, token, `/api/vApp/vm-${vm.id.split(':').pop()}`);
}

async function putMembers(mock: RunningMockVcd, token: string, ips: string[]) {
  const pool = await getJson(mock, token, `/cloudapi/1.0.0/loadBalancer/pools/${poolId}`);
  const res = await fetch(`${mock.url}/cloudapi/1.0.0/loadBalancer/pools/${poolId}`, {
    method: 'PUT',
    headers: cloudHeaders(token, { 'Content-Type': 'application/json' }),
    body: JSON.stringify({ ...pool, members: ips.map((ipAddress) => ({ ipAddress, port: 80 })) }),
  });
  expect(res.status).toBe(202);
  return waitForTask(mock, token, res.headers.get('location')!);
}

describe('mock vCD vApp lifecycle with tasks', () => {
  it('recomposes a new powered-off VM from the template once the task succeeds', async () => {
    const mock = await start({ infra: { taskDelayMs: 1000 } });
    const token = await login(mock, 'acme');
    const res = await post(mock, token, `/api/vApp/vapp-${ACME.vapp}/action/recomposeVApp`, recomposeBody(mock, 'web-03'));
    expect(res.status).toBe(202);
    const task = await jsonOf(res);
    expect(task).toMatchObject({ status: 'queued', operationName: 'vdcRecomposeVapp', owner: { id: `urn:vcloud:vapp:${ACME.vapp}` } });
    expect(res.headers.get('location')).toBe(task.href);
    const before = await getJson(mock, token, `/api/vApp/vapp-${ACME.vapp}`);
    const stillRunning = await getJson(mock, token, new URL(task.href).pathname);
    // Read in that order, a task not yet done proves the vApp was read before the change.
    if (stillRunning.status !== 'success') expect(before.children.vm).toHaveLength(2);
    expect((await waitForTask(mock, token, task.href)).status).toBe('success');
    const after = await getJson(mock, token, `/api/vApp/vapp-${ACME.vapp}`);
    const vm = after.children.vm.find((v: { name: string }) => v.name === 'web-03');
    expect(vm).toMatchObject({ status: 8, deployed: false });
    expect(vm.section[0].networkConnection[0].ipAddress).toBeNull();
  });

  it('gives a VM an IP from the vApp network when it powers on, and deletes it only when powered off', async () => {
    const mock = await start();
    const token = await login(mock, 'acme');
    const vm = await scaleOutVm(mock, token, 'web-03');
    expect(vm.status).toBe(4);
    expect(vm.section[0].networkConnection[0].ipAddress).toBe('10.10.0.13');
    const uuid = vm.id.split(':').pop();
    const refused = await fetch(`${mock.url}/api/vApp/vm-${uuid}`, { method: 'DELETE', headers: apiHeaders(token) });
    expect(refused.status).toBe(400);
    const off = await post(mock, token, `/api/vApp/vm-${uuid}/power/action/powerOff`);
    expect((await waitForTask(mock, token, (await jsonOf(off)).href)).status).toBe('success');
    const del = await fetch(`${mock.url}/api/vApp/vm-${uuid}`, { method: 'DELETE', headers: apiHeaders(token) });
    expect(del.status).toBe(202);
    expect((await waitForTask(mock, token, (await jsonOf(del)).href)).status).toBe('success');
    expect((await fetch(`${mock.url}/api/vApp/vm-${uuid}`, { headers: apiHeaders(token) })).status).toBe(403);
  });

  it('adds and removes LB pool members by IP with a task', async () => {
    const mock = await start();
    const token = await login(mock, 'acme');
    expect((await putMembers(mock, token, ['10.10.0.11', '10.10.0.12', '10.10.0.13'])).status).toBe('success');
    let pool = await getJson(mock, token, `/cloudapi/1.0.0/loadBalancer/pools/${poolId}`);
    expect(pool.members.map((m: { ipAddress: string }) => m.ipAddress)).toEqual(['10.10.0.11', '10.10.0.12', '10.10.0.13']);
    // No VM has .13 yet: the member is DOWN.
    expect(pool.members.map((m: { healthStatus: string }) => m.healthStatus)).toEqual(['UP', 'UP', 'DOWN']);
    expect(pool.upMemberCount).toBe(2);
    await putMembers(mock, token, ['10.10.0.11']);
    pool = await getJson(mock, token, `/cloudapi/1.0.0/loadBalancer/pools/${poolId}`);
    expect(pool.memberCount).toBe(1);
    const bad = await fetch(`${mock.url}/cloudapi/1.0.0/loadBalancer/pools/${poolId}`, {
      method: 'PUT',
      headers: cloudHeaders(token, { 'Content-Type': 'application/json' }),
      body: JSON.stringify({ name: 'web-pool', members: [{ ipAddress: 'not-an-ip' }] }),
    });
    expect(bad.status).toBe(400);
    expect((await jsonOf(bad)).message).toMatch(/members\[0\]\.ipAddress/);
  });

  it('lowers each VM’s CPU when a new VM joins the pool, since the vApp load is divided across serving members', async () => {
    const mock = await start();
    const token = await login(mock, 'acme');
    const provider = await login(mock, 'provider');
    expect((await admin(mock, provider, 'PUT', `/mock/admin/vapps/urn:vcloud:vapp:${ACME.vapp}/load`, { load: 150 })).status).toBe(200);
    const before = await cpuOf(mock, token, ACME.vms[0]);
    const vm = await scaleOutVm(mock, token, 'web-03');
    const ip = vm.section[0].networkConnection[0].ipAddress;
    // Powered on but not yet in the pool: it idles and the members keep the load.
    expect(await cpuOf(mock, token, vm.id.split(':').pop())).toBeLessThan(5);
    expect(await cpuOf(mock, token, ACME.vms[0])).toBe(before);
    await putMembers(mock, token, ['10.10.0.11', '10.10.0.12', ip]);
    const after = await cpuOf(mock, token, ACME.vms[0]);
    expect(after).toBeLessThan(before);
    expect(await cpuOf(mock, token, vm.id.split(':').pop())).toBe(after);
  });

  it('fails the next task of a kind when a fault is injected, leaving the vApp unchanged', async () => {
    const mock = await start();
    const token = await login(mock, 'acme');
    const provider = await login(mock, 'provider');
    expect((await admin(mock, provider, 'PUT', '/mock/admin/faults', { failNext: { recompose: 1 } })).status).toBe(200);
    const res = await post(mock, token, `/api/vApp/vapp-${ACME.vapp}/action/recomposeVApp`, recomposeBody(mock, 'web-03'));
    const failed = await waitForTask(mock, token, (await jsonOf(res)).href);
    expect(failed.status).toBe('error');
    expect(failed.error.message).toMatch(/Injected fault/);
    expect((await getJson(mock, token, `/api/vApp/vapp-${ACME.vapp}`)).children.vm).toHaveLength(2);
    const again = await post(mock, token, `/api/vApp/vapp-${ACME.vapp}/action/recomposeVApp`, recomposeBody(mock, 'web-03'));
    expect((await waitForTask(mock, token, (await jsonOf(again)).href)).status).toBe('success');
  });

  it('rejects bad admin input naming the field, and the admin API to tenants', async () => {
    const mock = await start();
    const provider = await login(mock, 'provider');
    const acme = await login(mock, 'acme');
    const bad = await admin(mock, provider, 'PUT', '/mock/admin/faults', { failNext: { reboot: 1 } });
    expect(bad.status).toBe(400);
    expect((await jsonOf(bad)).message).toMatch(/failNext\.reboot/);
    const badLoad = await admin(mock, provider, 'PUT', `/mock/admin/vapps/${ACME.vapp}/load`, { load: -1 });
    expect((await jsonOf(badLoad)).message).toMatch(/load/);
    expect((await admin(mock, acme, 'PUT', `/mock/admin/vapps/${ACME.vapp}/load`, { load: 10 })).status).toBe(403);
  });

  it('refuses a tenant’s operations on another org’s vApp, VM and pool, and its template in a recompose', async () => {
    const mock = await start();
    const globex = await login(mock, 'globex');
    expect((await post(mock, globex, `/api/vApp/vapp-${ACME.vapp}/action/recomposeVApp`, recomposeBody(mock))).status).toBe(403);
    expect((await post(mock, globex, `/api/vApp/vm-${ACME.vms[0]}/power/action/powerOff`)).status).toBe(403);
    const foreignTemplate = await post(mock, globex, `/api/vApp/vapp-${GLOBEX.vapp}/action/recomposeVApp`, recomposeBody(mock));
    expect(foreignTemplate.status).toBe(403);
    const pool = await fetch(`${mock.url}/cloudapi/1.0.0/loadBalancer/pools/${poolId}`, {
      method: 'PUT',
      headers: cloudHeaders(globex, { 'Content-Type': 'application/json' }),
      body: JSON.stringify({ name: 'web-pool', members: [] }),
    });
    expect(pool.status).toBe(404);
  });
});

describe('vCD notifications to webhook targets', () => {
  const servers: import('node:http').Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  it('posts vm/create, vm/deploy and vm/change_state notifications in vCD’s JSON with the AMQP headers', async () => {
    const received: { headers: Record<string, unknown>; body: { type: string; entity: string; org: string } }[] = [];
    const receiver = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(data) });
        res.writeHead(204).end();
      });
    });
    servers.push(receiver);
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const mock = await start({ infra: { notificationTargets: [`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`] } });
    const token = await login(mock, 'acme');
    const vm = await scaleOutVm(mock, token, 'web-03');
    const uuid = vm.id.split(':').pop();
    for (let i = 0; i < 500 && received.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    const types = received.map((r) => r.body.type);
    expect(types).toEqual(expect.arrayContaining(['com/vmware/vcloud/event/vm/create', 'com/vmware/vcloud/event/vm/deploy', 'com/vmware/vcloud/event/vm/change_state']));
    const create = received.find((r) => r.body.type.endsWith('vm/create'))!;
    expect(create.body).toMatchObject({ entity: `urn:vcloud:vm:${uuid}`, org: mock.state.directory.orgs.find((o) => o.name === 'acme')!.id, operationSuccess: true });
    expect(create.headers['x-notification-routing-key']).toMatch(new RegExp(`^true\\.${uuid}\\..*\\.com\\.vmware\\.vcloud\\.event\\.vm\\.create$`));
  });
});
