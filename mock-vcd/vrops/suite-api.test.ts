import { describe, expect, it } from 'vitest';
import { jsonOf, mockPerTest } from '../testing/mock';
import { ACME } from '../testing/infra';

const start = mockPerTest();

async function acquire(url: string, password = 'vrops-demo'): Promise<Response> {
  return fetch(`${url}/suite-api/api/auth/token/acquire`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
}

describe('the mock vROps suite-api', () => {
  it('acquires a token for a known user only, and answers 401 to a call without the vRealizeOpsToken header', async () => {
    const mock = await start();
    expect((await acquire(mock.url, 'wrong')).status).toBe(401);
    const res = await acquire(mock.url);
    expect(res.status).toBe(200);
    const token = await jsonOf(res);
    expect(token).toMatchObject({ token: expect.any(String), validity: expect.any(Number), roles: expect.any(Array) });

    const bare = await fetch(`${mock.url}/suite-api/api/resources/groups`);
    expect(bare.status).toBe(401);
    expect(await jsonOf(bare)).toMatchObject({ httpStatusCode: 401, apiErrorCode: 1512 });
    const bearer = await fetch(`${mock.url}/suite-api/api/resources/groups`, { headers: { Authorization: `Bearer ${token.token}` } });
    expect(bearer.status).toBe(401);
    const ok = await fetch(`${mock.url}/suite-api/api/resources/groups`, { headers: { Authorization: `vRealizeOpsToken ${token.token}` } });
    expect(ok.status).toBe(200);
  });

  it('creates a custom group, adds and replaces its children, and lists its members as VM resources', async () => {
    const mock = await start();
    const { token } = await jsonOf(await acquire(mock.url));
    const headers = { Authorization: `vRealizeOpsToken ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' };
    const call = (method: string, path: string, body?: unknown) => fetch(`${mock.url}/suite-api/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });

    const vms = await jsonOf(await call('GET', '/resources?resourceKind=VirtualMachine'));
    const acmeVm = vms.resourceList.find((r: { identifier: string }) => r.identifier === ACME.vms[0]);
    expect(acmeVm.resourceKey).toMatchObject({ adapterKindKey: 'VMWARE', resourceKindKey: 'VirtualMachine' });
    expect(acmeVm.resourceKey.name).toContain(`(${ACME.vms[0]})`);

    const spec = { resourceKey: { name: '[acme] web', adapterKindKey: 'Container', resourceKindKey: 'Environment' }, membershipDefinition: { includedResources: [] } };
    const created = await call('POST', '/resources/groups', spec);
    expect(created.status).toBe(201);
    const group = await jsonOf(created);
    expect((await call('POST', '/resources/groups', spec)).status).toBe(409);
    expect((await jsonOf(await call('GET', '/resources/groups'))).groups.map((g: { id: string }) => g.id)).toEqual([group.id]);

    expect((await call('POST', `/resources/${group.id}/relationships/children`, { uuids: [ACME.vms[0]] })).status).toBe(204);
    expect((await call('POST', `/resources/${group.id}/relationships/children`, { uuids: ['no-such-vm'] })).status).toBe(404);
    const members = async () => (await jsonOf(await call('GET', `/resources/groups/${group.id}/members`))).resourceList.map((r: { identifier: string }) => r.identifier);
    expect(await members()).toEqual([ACME.vms[0]]);
    expect((await call('PUT', `/resources/${group.id}/relationships/children`, { uuids: [ACME.vms[1]] })).status).toBe(204);
    expect(await members()).toEqual([ACME.vms[1]]);
    expect((await jsonOf(await call('GET', `/resources/groups/${group.id}`))).membershipDefinition.includedResources).toEqual([ACME.vms[1]]);
  });
});
