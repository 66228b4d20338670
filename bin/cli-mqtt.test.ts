import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginZip } from '../mock-vcd/testing/mock';
import { api, newFunction, startHarness, type Harness } from '../server/testing/harness';
import { logCapture } from '../server/testing/logs';
import { runCli } from './cli';

/**
 * `vcd-serverless deploy` for vCD's MQTT bus (the default transport) against the mock vCD, with a backend that reads
 * its EXTENSION token from the file deploy writes: registered, served, idempotent, a revoked token replaced, undeployed.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'vsl-cli-mqtt-'));
const tokenFile = path.join(dir, 'backend', 'mqtt-extension.token');
const zip = path.join(dir, 'plugin.zip');
let h: Harness;
const logs = logCapture();

beforeAll(async () => {
  writeFileSync(zip, pluginZip({ manifest: { urn: 'vmware:vcloud:plugin:serverless', name: 'Serverless', containerVersion: '10.0.0', version: '1.0.0', scope: ['tenant'], permissions: [], description: 't', vendor: 'Tests', license: 'MIT', link: 'https://example.invalid', module: 'PluginModule', route: 'serverless' } }));
  // The backend on the bus from the start, waiting for the token deploy will write.
  h = await startHarness('pglite', { backend: { vcdTransport: 'mqtt', mqttTokenFile: tokenFile, logLevel: 'info' }, logStream: logs.stream });
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(command: string, ...extra: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const args = [command, '--vcd', h.mock.url, '--user', 'administrator@System', '--zip', zip, '--token-file', tokenFile, ...extra];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: { VCD_PASSWORD: 'provider-demo' } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/**
 * Everything of ours a provider sees in vCD after a deploy, comparable between runs: the external service whole (its
 * generated mqttTopics and registration order included, so a re-created one differs), its API filters, the EXTENSION
 * tokens of any service, the UI plugin with the orgs it is published to, and the token file the backend reads (its
 * bytes, mode and modification time, so a rewrite with the same content still shows).
 */
function busState() {
  const { externalServices, uiPlugins, directory } = h.mock.state;
  const orgName = (id: string) => directory.orgs.find((o) => o.id === id)?.name ?? id;
  const file = existsSync(tokenFile) ? statSync(tokenFile) : undefined;
  return {
    services: [...externalServices.services.values()].map((s) => ({ ...s, mqttTopics: { ...s.mqttTopics } })),
    filters: [...externalServices.filters.values()].map(({ id, serviceId, urlPattern }) => ({ id, serviceId, urlPattern })).sort((a, b) => a.urlPattern.localeCompare(b.urlPattern)),
    // The secret itself is compared through the file below, never printed by a failing diff.
    tokens: [...externalServices.tokens.values()].map(({ token: _secret, ...t }) => t),
    plugins: [...uiPlugins.plugins.values()].map((p) => ({
      id: p.id,
      name: p.pluginName,
      version: p.version,
      enabled: p.enabled,
      status: p.status,
      publishedTo: [...p.publishedTo].map(orgName).sort(),
    })),
    tokenFile: file ? { text: readFileSync(tokenFile, 'utf8'), mode: file.mode & 0o777, mtimeMs: file.mtimeMs } : null,
  };
}

async function answeredOverBus(): Promise<number> {
  const acme = api(() => h.mock.url, await h.login('acme'));
  for (let i = 0; i < 200; i++) {
    const res = await acme.get('/api/org/acme/faas/functions');
    if (res.status === 200) return 200;
    await new Promise((r) => setTimeout(r, 100));
  }
  return 0;
}

const SERVICE_ID = 'urn:vcloud:extension-api:vcd-serverless:serverless:1.0.0';
const PRODUCT_FILTER = '(/api/org/[^/]+/(faas|showback|autoscale|provider|limits|audit)(/.*)?)';

describe('vcd-serverless deploy over MQTT', () => {
  it('registers the external service, its filter, a token kept in a 0600 file and never printed, and the plugin for every tenant', async () => {
    const r = await cli('deploy');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain("external service vcd-serverless/serverless/1.0.0 on vCD's MQTT bus");
    expect(r.out).toContain(`issue an EXTENSION token for vcd-serverless/serverless/1.0.0 and store it in ${tokenFile} (mode 0600)`);
    const stored = JSON.parse(readFileSync(tokenFile, 'utf8'));
    expect(r.out).not.toContain(stored.token);
    const state = busState();
    expect(state.services).toEqual([
      expect.objectContaining({
        id: SERVICE_ID,
        vendor: 'vcd-serverless',
        name: 'serverless',
        version: '1.0.0',
        enabled: true,
        authorizationEnabled: false,
        mqttTopics: { monitor: 'topic/extension/vcd-serverless/serverless/1.0.0/ext', respond: 'topic/extension/vcd-serverless/serverless/1.0.0/vcd' },
      }),
    ]);
    expect(state.filters).toEqual([{ id: expect.stringMatching(/^urn:vcloud:apiFilter:/), serviceId: SERVICE_ID, urlPattern: PRODUCT_FILTER }]);
    expect(state.tokens).toEqual([expect.objectContaining({ id: stored.tokenId, name: 'vcd-serverless/serverless/1.0.0', extensionId: SERVICE_ID })]);
    expect(h.mock.state.externalServices.tokens.get(stored.tokenId)?.token).toBe(stored.token);
    expect(state.plugins).toEqual([{ id: expect.any(String), name: 'Serverless', version: '1.0.0', enabled: true, status: 'ready', publishedTo: ['acme', 'globex'] }]);
    expect(state.tokenFile?.mode).toBe(0o600);
    // The waiting backend reads the file and answers through vCD's bus.
    expect(await answeredOverBus()).toBe(200);
    // Every page of the plugin reaches the backend through the one product filter: the provider's tenants overview
    // and limits, a tenant's limits and audit log (each a 404 from vCD itself if the filter missed it).
    const provider = api(() => h.mock.url, await h.login('provider'));
    const acme = api(() => h.mock.url, await h.login('acme'));
    expect((await provider.get('/api/org/System/provider/tenants')).status).toBe(200);
    expect((await provider.get('/api/org/System/provider/limits/default')).status).toBe(200);
    expect((await acme.get('/api/org/acme/limits')).status).toBe(200);
    expect((await acme.get('/api/org/acme/audit')).status).toBe(200);
  });

  it("gives a function's route its own filter once the backend answers, then a further deploy changes nothing at all", async () => {
    const acme = api(() => h.mock.url, await h.login('acme'));
    expect((await acme.post('/api/org/acme/faas/functions', newFunction('hello'))).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'hello')).status).toBe('ready');
    const before = busState();
    const second = await cli('deploy');
    expect(second.code).toBe(0);
    expect(second.out).toContain('add API filter (/api/org/acme/hello(/.*)?)');
    const deployed = busState();
    expect(deployed.filters.map((f) => f.urlPattern)).toEqual(['(/api/org/[^/]+/(faas|showback|autoscale|provider|limits|audit)(/.*)?)', '(/api/org/acme/hello(/.*)?)']);
    // Only the filter is new: same service, same token, same plugin, the token file untouched.
    expect({ ...deployed, filters: [] }).toEqual({ ...before, filters: [] });

    const third = await cli('deploy');
    expect(third.code).toBe(0);
    expect(third.out).toContain('no changes: vCD already holds this state');
    expect(busState()).toEqual(deployed);
  });

  it('replaces a token vCD revoked; the backend logs the refusal and reconnects with the new one', async () => {
    const old = JSON.parse(readFileSync(tokenFile, 'utf8'));
    h.mock.state.externalServices.revokeToken(h.mock.state.externalServices.tokens.get(old.tokenId)!);
    await expect.poll(() => logs.text(), { timeout: 15_000 }).toContain("vCD's bus refused the login");
    const r = await cli('deploy');
    expect(r.out).toContain('issue an EXTENSION token');
    expect(JSON.parse(readFileSync(tokenFile, 'utf8')).tokenId).not.toBe(old.tokenId);
    expect(await answeredOverBus()).toBe(200);
  });

  it('undeploys the service, its filters, its token, the stored file and the plugin; a second undeploy has nothing to do', async () => {
    const r = await cli('undeploy');
    expect(r.code).toBe(0);
    expect(r.out).toContain('revoke the EXTENSION token(s) of vcd-serverless/serverless/1.0.0');
    expect(busState()).toEqual({ services: [], filters: [], tokens: [], plugins: [], tokenFile: null });
    expect((await cli('undeploy')).out).toContain('no changes');
  });
});
