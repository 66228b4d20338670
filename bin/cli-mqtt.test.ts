import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginZip } from '../mock-vcd/testing/mock';
import { api, startHarness, type Harness } from '../server/testing/harness';
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
  const { writeFileSync } = await import('node:fs');
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

function busState() {
  const { services, filters, tokens } = h.mock.state.externalServices;
  return {
    services: [...services.values()].map((s) => ({ id: s.id, enabled: s.enabled })),
    filters: [...filters.values()].map((f) => f.urlPattern).sort(),
    tokens: [...tokens.values()].map((t) => t.id),
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

describe('vcd-serverless deploy over MQTT', () => {
  it('registers the external service, its filter and a token kept in a 0600 file and never printed', async () => {
    const r = await cli('deploy');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain("external service vcd-serverless/serverless/1.0.0 on vCD's MQTT bus");
    expect(r.out).toContain(`issue an EXTENSION token for vcd-serverless/serverless/1.0.0 and store it in ${tokenFile} (mode 0600)`);
    const stored = JSON.parse(readFileSync(tokenFile, 'utf8'));
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(r.out).not.toContain(stored.token);
    expect(busState()).toEqual({
      services: [{ id: 'urn:vcloud:extension-api:vcd-serverless:serverless:1.0.0', enabled: true }],
      filters: ['(/api/org/[^/]+/(faas|showback|autoscale)(/.*)?)'],
      tokens: [stored.tokenId],
    });
    // The waiting backend reads the file and answers through vCD's bus.
    expect(await answeredOverBus()).toBe(200);
  });

  it('a second deploy changes nothing and says so', async () => {
    const before = busState();
    const r = await cli('deploy');
    expect(r.code).toBe(0);
    expect(r.out).toContain('no changes: vCD already holds this state');
    expect(busState()).toEqual(before);
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

  it('undeploys the service, its filters, its token and the stored file; a second undeploy has nothing to do', async () => {
    const r = await cli('undeploy');
    expect(r.code).toBe(0);
    expect(r.out).toContain('revoke the EXTENSION token(s) of vcd-serverless/serverless/1.0.0');
    expect(busState()).toEqual({ services: [], filters: [], tokens: [] });
    expect(() => statSync(tokenFile)).toThrow();
    expect((await cli('undeploy')).out).toContain('no changes');
  });
});
