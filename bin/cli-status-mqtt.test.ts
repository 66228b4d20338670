import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginZip } from '../mock-vcd/testing/mock';
import { api, startHarness, type Harness } from '../server/testing/harness';
import { runCli } from './cli';

/** `vcd-serverless status` of an environment on vCD's MQTT bus: before deploy (nothing there) and after. */

const dir = mkdtempSync(path.join(tmpdir(), 'vsl-status-mqtt-'));
const tokenFile = path.join(dir, 'backend', 'mqtt-extension.token');
const zip = path.join(dir, 'plugin.zip');
let h: Harness;

beforeAll(async () => {
  writeFileSync(zip, pluginZip({ manifest: { urn: 'vmware:vcloud:plugin:serverless', name: 'Serverless', containerVersion: '10.0.0', version: '1.2.3', scope: ['tenant'], permissions: [], description: 't', vendor: 'Tests', license: 'MIT', link: 'https://example.invalid', module: 'PluginModule', route: 'serverless' } }));
  h = await startHarness('pglite', { backend: { vcdTransport: 'mqtt', mqttTokenFile: tokenFile } });
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([...args, '--vcd', h.mock.url, '--user', 'administrator@System'], { out: (l) => out.push(l), err: (l) => err.push(l), env: { VCD_PASSWORD: 'provider-demo' } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function answeredOverBus(): Promise<void> {
  const acme = api(() => h.mock.url, await h.login('acme'));
  for (let i = 0; i < 200; i++) {
    if ((await acme.get('/api/org/acme/faas/functions')).status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the backend never answered over the bus');
}

describe('vcd-serverless status over MQTT', () => {
  it('says that nothing is installed and the backend is unreachable before deploy', async () => {
    const r = await cli('status', '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.plugin).toBeNull();
    expect(s.registrations).toEqual([]);
    expect(s.backend.error).toContain('GET /api/org/System/provider/about through vCD answered HTTP');
    const text = await cli('status');
    expect(text.out).toContain('plugin     not installed');
    expect(text.out).toContain('extension  not registered');
    expect(text.out).toContain('backend    unreachable');
  });

  it('shows the external service on the bus as the transport, and the backend behind it', async () => {
    const deployed = await cli('deploy', '--zip', zip, '--token-file', tokenFile);
    expect(deployed.code).toBe(0);
    await answeredOverBus();
    const r = await cli('status', '--json');
    const s = JSON.parse(r.out);
    expect(s.plugin).toEqual({ name: 'Serverless', version: '1.2.3', status: 'ready', publishedTo: ['acme', 'globex'] });
    expect(s.registrations).toEqual([
      { transport: 'mqtt', service: 'vcd-serverless/serverless/1.0.0', enabled: true, filters: ['(/api/org/[^/]+/(faas|showback|autoscale|provider|limits|audit)(/.*)?)'] },
    ]);
    expect(s.backend.transport).toBe('mqtt');
    expect(s.backend.orgs).toEqual([
      { org: 'acme', functions: 0, rules: 0 },
      { org: 'globex', functions: 0, rules: 0 },
    ]);
    expect((await cli('status')).out).toContain('extension  external service vcd-serverless/serverless/1.0.0 over MQTT, enabled');
  });
});
