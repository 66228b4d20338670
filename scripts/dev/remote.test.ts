import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installUiPlugin, loginAsProvider } from '../../bin/lib/vcd-provider';
import { startMockVcd } from '../../mock-vcd/main';
import { pluginZip } from '../../mock-vcd/testing/mock';
import { freshStore, newFunction, type StoreHandle } from '../../server/testing/harness';
import { registerMqttService } from '../../server/testing/mqtt-service';
import { trustVcdForFetch } from '../../server/transport/mqtt/tls';
import { localCookie, remoteProxy } from './proxy';
import { startRemoteDev, type RemoteDev } from './remote';

/**
 * `npm start -- --vcd <remote>` with a second mock vCD playing the remote one (HTTPS with its own CA, the product's
 * external service registered and its token issued as deploy does): the local shell's proxy logs a tenant in with
 * their own credentials, lists the local plugin instead of the remote's, and a tenant call goes to the remote vCD,
 * which hands it over its MQTT bus to the local backend.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'vsl-remote-dev-'));
const manifest = (version: string) => ({
  urn: 'vmware:vcloud:plugin:serverless', name: 'Serverless', containerVersion: '10.0.0', version, scope: ['tenant'],
  permissions: [], description: 'test build', vendor: 'Tests', license: 'Apache-2.0', link: 'https://example.invalid', module: 'PluginModule', route: 'serverless',
});
writeFileSync(path.join(dir, 'remote.zip'), pluginZip({ manifest: manifest('0.9.0') }));
writeFileSync(path.join(dir, 'local.zip'), pluginZip({ manifest: manifest('1.0.0-dev') }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ACCEPT = 'application/json;version=37.0';

async function tenantLogin(dev: RemoteDev): Promise<{ token: string; cookie: string | null }> {
  const res = await fetch(`${dev.portalUrl}/cloudapi/1.0.0/sessions`, { method: 'POST', headers: { Authorization: basic('admin@acme', 'acme-demo'), Accept: ACCEPT } });
  expect(res.status).toBe(200);
  return { token: res.headers.get('x-vmware-vcloud-access-token') ?? '', cookie: res.headers.get('set-cookie') };
}

describe.each(['pglite', 'postgres'] as const)('npm start -- --vcd <remote vCD> (%s store)', (kind) => {
  let remote: Awaited<ReturnType<typeof startMockVcd>>;
  let dev: RemoteDev;
  let store: StoreHandle;

  beforeAll(async () => {
    remote = await startMockVcd({ tls: { dir: path.join(dir, kind, 'tls') } });
    trustVcdForFetch(remote.url, { ca: readFileSync(remote.caFile!, 'utf8') });
    const { token } = await registerMqttService(remote.url);
    // The remote runs an older build of the same plugin, which the local one stands in for.
    const provider = await loginAsProvider({ vcdUrl: remote.url, user: 'administrator@System', password: 'provider-demo' });
    await installUiPlugin(provider, { zipPath: path.join(dir, 'remote.zip') });
    store = await freshStore(kind);
    dev = await startRemoteDev({
      vcdUrl: remote.url, caFile: remote.caFile, zipPath: path.join(dir, 'local.zip'), portalDir: path.join(dir, 'no-portal'),
      backend: { ...store.overrides, mqttToken: token, logLevel: 'silent' },
    });
  }, 120_000);
  afterAll(async () => {
    await dev?.close();
    await remote?.close();
    await store?.drop();
  });

  it('logs a tenant in at the remote vCD through the local origin, the session cookie kept for plain http', async () => {
    const { token, cookie } = await tenantLogin(dev);
    expect(token).toBeTruthy();
    expect(cookie).toMatch(/^vcloud_session_id=/);
    expect(cookie).not.toMatch(/;\s*(secure|domain=)/i);
    const current = await fetch(`${dev.portalUrl}/cloudapi/1.0.0/sessions/current`, { headers: { Authorization: `Bearer ${token}`, Accept: ACCEPT } });
    expect(await current.json()).toMatchObject({ user: { name: 'admin' }, org: { name: 'acme' } });
    // Nothing but the user's own session: without it the remote answers 401.
    expect((await fetch(`${dev.portalUrl}/api/org/acme/faas/functions`, { headers: { Accept: 'application/json' } })).status).toBe(401);
  });

  it('lists the local plugin build instead of the remote\'s of the same name and serves its files', async () => {
    const { token } = await tenantLogin(dev);
    const list = (await (await fetch(`${dev.portalUrl}/cloudapi/extensions/ui`, { headers: { Authorization: `Bearer ${token}`, Accept: ACCEPT } })).json()) as Record<string, unknown>[];
    const mine = list.filter((p) => p.pluginName === 'Serverless');
    expect(mine).toEqual([expect.objectContaining({ version: '1.0.0-dev', resourcePath: '/local-plugin', plugin_status: 'ready', tenant_scoped: true })]);
    const served = await fetch(`${dev.portalUrl}/local-plugin/manifest.json`);
    expect(await served.json()).toMatchObject({ name: 'Serverless', version: '1.0.0-dev' });
    expect((await fetch(`${dev.portalUrl}/local-plugin/nothing.js`)).status).toBe(404);
    expect((await fetch(`${dev.portalUrl}/cloudapi/extensions/ui`, { headers: { Accept: ACCEPT } })).status).toBe(401);
  });

  it('creates and calls a function through the remote vCD, which reaches the local backend over its bus', async () => {
    const { token } = await tenantLogin(dev);
    const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json', 'Content-Type': 'application/json' };
    const created = await fetch(`${dev.portalUrl}/api/org/acme/faas/functions`, { method: 'POST', headers, body: JSON.stringify(newFunction('hello')) });
    expect(created.status).toBe(202);
    await expect
      .poll(async () => ((await (await fetch(`${dev.portalUrl}/api/org/acme/faas/functions/hello`, { headers })).json()) as { status: string }).status, { timeout: 60_000, interval: 200 })
      .toBe('ready');
    const answer = await fetch(`${dev.portalUrl}/api/org/acme/hello?who=remote`, { headers });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ hello: 'remote' });
    // Another tenant's own session through the same proxy sees nothing of acme's.
    const globex = await fetch(`${dev.portalUrl}/cloudapi/1.0.0/sessions`, { method: 'POST', headers: { Authorization: basic('admin@globex', 'globex-demo'), Accept: ACCEPT } });
    const theirs = { Authorization: `Bearer ${globex.headers.get('x-vmware-vcloud-access-token')}`, Accept: 'application/json' };
    expect([403, 404]).toContain((await fetch(`${dev.portalUrl}/api/org/acme/faas/functions/hello`, { headers: theirs })).status);
    expect(((await (await fetch(`${dev.portalUrl}/api/org/globex/faas/functions`, { headers: theirs })).json()) as { items: unknown[] }).items).toEqual([]);
    // It went over the remote's bus: the local backend is its only connected extension client.
    const provider = await loginAsProvider({ vcdUrl: remote.url, user: 'administrator@System', password: 'provider-demo' });
    const bus = await fetch(`${remote.url}/mock/admin/mqtt`, { headers: { Authorization: `Bearer ${provider.token}`, Accept: 'application/json' } });
    expect(await bus.json()).toMatchObject({ connectedClients: 1, unmatchedResponses: 0 });
  });

  it('names --vcd-ca when the remote\'s certificate is not trusted, as a problem+json 502', async () => {
    const server = createServer(remoteProxy(remote.url)).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/cloudapi/1.0.0/sessions`, { method: 'POST' });
      expect(res.status).toBe(502);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(((await res.json()) as { detail: string }).detail).toMatch(/cannot be reached: .*--vcd-ca <file>, or --insecure-tls/);
    } finally {
      server.close();
    }
  });

  it('keeps cookies for the local origin: no Domain, no Secure, SameSite=None becomes Lax', () => {
    expect(localCookie('a=1; Path=/; Domain=vcd.example; Secure; HttpOnly; SameSite=None')).toBe('a=1; Path=/; HttpOnly; SameSite=Lax');
  });
});
