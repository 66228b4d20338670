import { describe, expect, it } from 'vitest';
import type { RunningMockVcd } from '../main';
import { ACCEPT, basic, bearer, jsonOf, login, mockPerTest } from '../testing/mock';

const SESSIONS = '/cloudapi/1.0.0/sessions';
const startMock = mockPerTest();

async function post(mock: RunningMockVcd, path: string, headers: Record<string, string>) {
  return fetch(mock.url + path, { method: 'POST', headers });
}

describe('vCD sessions', () => {
  it('logs a tenant admin in with Basic user@org and answers the token headers and the session JSON', async () => {
    const mock = await startMock();
    const res = await post(mock, SESSIONS, { Accept: ACCEPT, Authorization: basic('admin@acme', 'acme-demo') });
    expect(res.status).toBe(200);
    const token = res.headers.get('x-vmware-vcloud-access-token');
    expect(token).toBeTruthy();
    expect(res.headers.get('x-vcloud-authorization')).toBeTruthy();
    expect(res.headers.get('content-type')).toMatch(/^application\/json.*version=37\.0/);
    const body = await jsonOf(res);
    expect(body).toMatchObject({
      id: expect.stringMatching(/^urn:vcloud:session:/),
      user: { name: 'admin', id: expect.stringMatching(/^urn:vcloud:user:/) },
      org: { name: 'acme', id: expect.stringMatching(/^urn:vcloud:org:[0-9a-f-]{36}$/) },
      roles: ['Organization Administrator'],
      roleRefs: [{ name: 'Organization Administrator', id: expect.stringMatching(/^urn:vcloud:role:/) }],
      sessionIdleTimeoutMinutes: 30,
    });
  });

  it('answers the same session at sessions/current for the bearer token and for the legacy header', async () => {
    const mock = await startMock();
    const res = await post(mock, SESSIONS, { Accept: ACCEPT, Authorization: basic('admin@globex', 'globex-demo') });
    const created = await jsonOf(res);
    const viaBearer = await fetch(`${mock.url}${SESSIONS}/current`, { headers: bearer(res.headers.get('x-vmware-vcloud-access-token')!) });
    expect(viaBearer.status).toBe(200);
    expect(await jsonOf(viaBearer)).toEqual(created);
    const viaLegacy = await fetch(`${mock.url}${SESSIONS}/current`, {
      headers: { Accept: ACCEPT, 'x-vcloud-authorization': res.headers.get('x-vcloud-authorization')! },
    });
    expect((await jsonOf(viaLegacy)).org.name).toBe('globex');
  });

  it('gives the demo orgs and users the same ids in every mock instance', async () => {
    const ids = async () => {
      const mock = await startMock();
      return jsonOf(await fetch(`${mock.url}${SESSIONS}/current`, { headers: bearer(await login(mock, 'acme')) }));
    };
    const [first, second] = [await ids(), await ids()];
    expect(second.org.id).toBe(first.org.id);
    expect(second.user.id).toBe(first.user.id);
  });

  it('logs the provider in at sessions/provider as System Administrator', async () => {
    const mock = await startMock();
    const res = await post(mock, `${SESSIONS}/provider`, { Accept: ACCEPT, Authorization: basic('administrator@System', 'provider-demo') });
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body.org.name).toBe('System');
    expect(body.roles).toEqual(['System Administrator']);
  });

  it('refuses a wrong password with 401 and vCD error JSON', async () => {
    const mock = await startMock();
    const res = await post(mock, SESSIONS, { Accept: ACCEPT, Authorization: basic('admin@acme', 'wrong') });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-vmware-vcloud-access-token')).toBeNull();
    const body = await jsonOf(res);
    expect(body).toEqual({ minorErrorCode: 'UNAUTHORIZED', message: expect.stringContaining('Invalid username or password'), stackTrace: null });
  });

  it("refuses another org's password and an unknown org", async () => {
    const mock = await startMock();
    expect((await post(mock, SESSIONS, { Accept: ACCEPT, Authorization: basic('admin@globex', 'acme-demo') })).status).toBe(401);
    expect((await post(mock, SESSIONS, { Accept: ACCEPT, Authorization: basic('admin@initech', 'acme-demo') })).status).toBe(401);
    expect((await post(mock, SESSIONS, { Accept: ACCEPT, Authorization: basic('admin', 'acme-demo') })).status).toBe(401);
    expect((await post(mock, SESSIONS, { Accept: ACCEPT })).status).toBe(401);
  });

  it('does not let a tenant use the provider login, nor the provider the tenant login', async () => {
    const mock = await startMock();
    const tenant = await post(mock, `${SESSIONS}/provider`, { Accept: ACCEPT, Authorization: basic('admin@acme', 'acme-demo') });
    expect(tenant.status).toBe(401);
    expect(tenant.headers.get('x-vmware-vcloud-access-token')).toBeNull();
    const provider = await post(mock, SESSIONS, { Accept: ACCEPT, Authorization: basic('administrator@System', 'provider-demo') });
    expect(provider.status).toBe(401);
    expect((await jsonOf(provider)).message).toContain('/cloudapi/1.0.0/sessions/provider');
  });

  it('refuses a login without a supported API version in Accept with 406', async () => {
    const mock = await startMock();
    const none = await post(mock, SESSIONS, { Accept: 'application/json', Authorization: basic('admin@acme', 'acme-demo') });
    expect(none.status).toBe(406);
    expect((await jsonOf(none)).minorErrorCode).toBe('NOT_ACCEPTABLE');
    const old = await post(mock, SESSIONS, { Accept: 'application/json;version=5.1', Authorization: basic('admin@acme', 'acme-demo') });
    expect(old.status).toBe(406);
    expect((await jsonOf(old)).message).toContain('37.0');
  });

  it('ends a session at logout: 204, then the token is refused', async () => {
    const mock = await startMock();
    const token = await login(mock, 'acme');
    const out = await fetch(`${mock.url}${SESSIONS}/current`, { method: 'DELETE', headers: bearer(token) });
    expect(out.status).toBe(204);
    const after = await fetch(`${mock.url}${SESSIONS}/current`, { headers: bearer(token) });
    expect(after.status).toBe(401);
    expect((await jsonOf(after)).minorErrorCode).toBe('UNAUTHORIZED');
  });

  it('expires a session left idle longer than the idle timeout, and keeps one in use alive', async () => {
    let now = 1_000_000;
    const mock = await startMock({ sessionIdleTimeoutMs: 60_000, now: () => now });
    const idle = await login(mock, 'acme');
    const busy = await login(mock, 'globex');
    const current = (token: string) => fetch(`${mock.url}${SESSIONS}/current`, { headers: bearer(token) });
    now += 40_000;
    expect((await current(busy)).status).toBe(200);
    now += 40_000;
    expect((await current(busy)).status).toBe(200);
    expect((await current(idle)).status).toBe(401);
  });

  it('answers 401 for an unknown token', async () => {
    const mock = await startMock();
    const res = await fetch(`${mock.url}${SESSIONS}/current`, { headers: bearer('not-a-token') });
    expect(res.status).toBe(401);
  });
});
