import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAsProvider, registerApiExtension } from '../../bin/lib/vcd-provider';
import { api, jsonOf, newFunction, problemOf, startHarness, STORES, type Harness } from '../testing/harness';

const ACME_FNS = '/api/org/acme/faas/functions';
const ACCEPT = 'application/json;version=37.0';

describe.each(STORES)('authentication and tenancy on %s', (kind) => {
  let h: Harness;
  let clock = Date.now();

  beforeAll(async () => {
    // Cache off: every call asks vCD, so a logout or an expiry shows at once.
    h = await startHarness(kind, { mock: { now: () => clock }, backend: { sessionCacheTtlMs: 0 } });
  });
  afterAll(() => h?.close());

  async function expect401(res: Response) {
    expect(res.status).toBe(401);
    expect((await problemOf(res)).status).toBe(401);
  }

  it('refuses a request without a vCD session with 401 problem+json', async () => {
    await expect401(await fetch(h.backend.url + ACME_FNS));
  });

  it('refuses a token vCD does not know with 401', async () => {
    await expect401(await api(() => h.backend.url, 'not-a-real-token').get(ACME_FNS));
  });

  it('refuses a token after its session logged out', async () => {
    const token = await h.login('acme');
    const client = api(() => h.backend.url, token);
    expect((await client.get(ACME_FNS)).status).toBe(200);
    const logout = await fetch(`${h.mock.url}/cloudapi/1.0.0/sessions/current`, {
      method: 'DELETE',
      headers: { Accept: ACCEPT, Authorization: `Bearer ${token}` },
    });
    expect(logout.status).toBe(204);
    await expect401(await client.get(ACME_FNS));
  });

  it('refuses a token whose session expired from idleness', async () => {
    const token = await h.login('acme');
    clock += 31 * 60_000; // past the mock's default idle timeout of 30 minutes
    await expect401(await api(() => h.backend.url, token).get(ACME_FNS));
  });

  it("accepts vCD's legacy x-vcloud-authorization token", async () => {
    const res = await fetch(`${h.mock.url}/cloudapi/1.0.0/sessions`, {
      method: 'POST',
      headers: { Accept: ACCEPT, Authorization: `Basic ${Buffer.from('admin@acme:acme-demo').toString('base64')}` },
    });
    const legacy = res.headers.get('x-vcloud-authorization') as string;
    expect(legacy).toBeTruthy();
    const list = await fetch(h.backend.url + ACME_FNS, { headers: { 'x-vcloud-authorization': legacy } });
    expect(list.status).toBe(200);
  });

  it('refuses an unsigned or wrongly signed security context (no shared secret configured)', async () => {
    const context = Buffer.from(
      JSON.stringify({ user: 'urn:vcloud:user:x', org: 'urn:vcloud:org:x', rights: [], userName: 'admin', orgName: 'acme', roles: [] }),
    ).toString('base64');
    await expect401(await fetch(h.backend.url + ACME_FNS, { headers: { 'X-VCloud-Security-Context': context } }));
    const signature = createHmac('sha256', 'guessed').update(context).digest('hex');
    await expect401(
      await fetch(h.backend.url + ACME_FNS, { headers: { 'X-VCloud-Security-Context': context, 'X-VCloud-Context-Signature': signature } }),
    );
  });

  describe("tenants never see each other's functions", () => {
    let acme: ReturnType<typeof api>;
    let globex: ReturnType<typeof api>;
    let provider: ReturnType<typeof api>;

    beforeAll(async () => {
      acme = api(() => h.backend.url, await h.login('acme'));
      globex = api(() => h.backend.url, await h.login('globex'));
      provider = api(() => h.backend.url, await h.login('provider'));
      expect((await acme.post(ACME_FNS, newFunction('secret-fn'))).status).toBe(202);
      expect((await acme.waitBuilt('acme', 'secret-fn')).status).toBe('ready');
    });

    it("answers 403 when globex names acme's org to list, get, create, invoke or delete", async () => {
      for (const res of [
        await globex.get(ACME_FNS),
        await globex.get(`${ACME_FNS}/secret-fn`),
        await globex.post(ACME_FNS, newFunction('intruder')),
        await globex.get('/api/org/acme/secret-fn'),
        await globex.delete(`${ACME_FNS}/secret-fn`),
      ]) {
        expect(res.status).toBe(403);
        expect((await problemOf(res)).detail).toContain('acme');
      }
      expect((await acme.get(`${ACME_FNS}/secret-fn`)).status).toBe(200);
      expect((await jsonOf(await acme.get(ACME_FNS))).total).toBe(1);
    });

    it("does not reach acme's function under globex's own org", async () => {
      expect((await jsonOf(await globex.get('/api/org/globex/faas/functions'))).total).toBe(0);
      expect((await globex.get('/api/org/globex/faas/functions/secret-fn')).status).toBe(404);
      expect((await globex.get('/api/org/globex/secret-fn')).status).toBe(404);
    });

    it('lets globex use the same name and route in its own org', async () => {
      expect((await globex.post('/api/org/globex/faas/functions', newFunction('secret-fn'))).status).toBe(202);
      expect((await globex.waitBuilt('globex', 'secret-fn')).status).toBe('ready');
      expect(await jsonOf(await globex.get('/api/org/globex/secret-fn'))).toMatchObject({ org: 'globex' });
      expect(await jsonOf(await acme.get('/api/org/acme/secret-fn'))).toMatchObject({ org: 'acme' });
    });

    it('lets the provider list and invoke any org', async () => {
      expect((await jsonOf(await provider.get(ACME_FNS))).items.map((f: { name: string }) => f.name)).toEqual(['secret-fn']);
      expect((await provider.get('/api/org/acme/secret-fn')).status).toBe(200);
    });
  });
});

describe('the session cache and vCD events', () => {
  let h: Harness;

  beforeAll(async () => {
    // The default cache (30 s): a call after the first is answered from it, without asking vCD.
    h = await startHarness('pglite', { backend: { sessionCacheTtlMs: 30_000 } });
  });
  afterAll(() => h?.close());

  async function logout(token: string) {
    const res = await fetch(`${h.mock.url}/cloudapi/1.0.0/sessions/current`, { method: 'DELETE', headers: { Accept: ACCEPT, Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(204);
  }

  it('refuses a cached token at once after its session logged out at vCD', async () => {
    const token = await h.login('acme');
    const client = api(() => h.backend.url, token);
    expect((await client.get(ACME_FNS)).status).toBe(200);
    expect((await client.get(ACME_FNS)).status).toBe(200);
    await logout(token);
    const res = await client.get(ACME_FNS);
    expect(res.status).toBe(401);
    expect((await problemOf(res)).status).toBe(401);
  });

  it("keeps another user's cached session working when one user logs out", async () => {
    const acme = await h.login('acme');
    const globex = api(() => h.backend.url, await h.login('globex'));
    expect((await globex.get('/api/org/globex/faas/functions')).status).toBe(200);
    await logout(acme);
    expect((await globex.get('/api/org/globex/faas/functions')).status).toBe(200);
  });

  it('still answers a cached token whose session vCD ended without an event, until the entry expires', async () => {
    const token = await h.login('globex');
    const client = api(() => h.backend.url, token);
    expect((await client.get('/api/org/globex/faas/functions')).status).toBe(200);
    h.mock.state.sessions.revoke(h.mock.state.sessions.resolve(token)!); // ended without a logout event
    expect((await client.get('/api/org/globex/faas/functions')).status).toBe(200);
  });
});

describe('requests forwarded by vCD with a signed security context', () => {
  const secret = 'a-shared-secret-for-this-test';
  let h: Harness;

  beforeAll(async () => {
    // vCD itself is unreachable for the backend: only the signed context can authenticate a call.
    h = await startHarness('pglite', { mock: { sharedSecret: secret }, backend: { extensionSharedSecret: secret } });
    await h.restart({ extensionSharedSecret: secret, vcdUrl: 'http://127.0.0.1:9' });
    h.mock.state.httpExtensions.serverless = h.backend.url;
    await registerApiExtension(await loginAsProvider({ vcdUrl: h.mock.url, user: 'administrator@System', password: 'provider-demo' }));
  });
  afterAll(() => h?.close());

  it('trusts the context vCD signed: create, build and invoke a function through vCD', async () => {
    const throughVcd = api(() => h.mock.url, await h.login('acme'));
    const created = await throughVcd.post(ACME_FNS, newFunction('forwarded'));
    expect(created.status).toBe(202);
    expect((await throughVcd.waitBuilt('acme', 'forwarded')).status).toBe('ready');
    const res = await throughVcd.get('/api/org/acme/forwarded?who=vcd');
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ hello: 'vcd', org: 'acme' });
  });

  it("applies tenancy to the signed context: globex through vCD cannot reach acme's org", async () => {
    const globex = api(() => h.mock.url, await h.login('globex'));
    expect((await globex.get(ACME_FNS)).status).toBe(403);
  });

  it('does not trust a context whose signature does not match', async () => {
    const context = Buffer.from(
      JSON.stringify({ user: 'urn:vcloud:user:x', org: 'urn:vcloud:org:x', rights: [], userName: 'admin', orgName: 'acme', roles: [] }),
    ).toString('base64');
    const forged = createHmac('sha256', 'not-the-secret').update(context).digest('hex');
    const res = await fetch(h.backend.url + ACME_FNS, { headers: { 'X-VCloud-Security-Context': context, 'X-VCloud-Context-Signature': forged } });
    expect(res.status).toBe(401);
  });

  it('answers 502 naming vCD when a bearer token cannot be checked because vCD is down', async () => {
    const res = await api(() => h.backend.url, 'some-token').get(ACME_FNS);
    expect(res.status).toBe(502);
    expect((await problemOf(res)).detail).toMatch(/vCD/);
  });
});
