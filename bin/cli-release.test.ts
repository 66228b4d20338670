import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginZip } from '../mock-vcd/testing/mock';
import { startHarness, type Harness } from '../server/testing/harness';
import { runCli } from './cli';
import { pluginTenants } from './lib/vcd-admin';
import { loginAsProvider } from './lib/vcd-provider';

/** `vcd-serverless deploy --release release/<v>`: checksums, upgrades in place, downgrades refused (mock vCD). */

const dir = mkdtempSync(path.join(tmpdir(), 'vsl-release-'));
const manifest = (version: string) => ({
  urn: 'vmware:vcloud:plugin:serverless', name: 'Serverless', containerVersion: '10.0.0', version, scope: ['tenant', 'service-provider'],
  permissions: [], description: 'test build', vendor: 'Tests', license: 'Apache-2.0', link: 'https://example.invalid', module: 'PluginModule', route: 'serverless',
});
/** A release directory as npm run release writes it (only the parts deploy reads). */
function release(name: string, version: string, sums?: (real: string) => string): string {
  const at = path.join(dir, name);
  mkdirSync(at, { recursive: true });
  const zip = pluginZip({ manifest: manifest(version) });
  writeFileSync(path.join(at, 'plugin.zip'), zip);
  const real = createHash('sha256').update(zip).digest('hex');
  writeFileSync(path.join(at, 'SHA256SUMS'), `${sums ? sums(real) : real}  plugin.zip\n`);
  return at;
}
const V1 = release('1.0.0', '1.0.0');
const V2 = release('2.0.0', '2.0.0');
const V3 = release('3.0.0', '3.0.0');

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: { VCD_PASSWORD: 'provider-demo' } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let h: Harness;
const deploy = (...args: string[]) => cli(['deploy', '--vcd', h.mock.url, '--user', 'administrator@System', '--transport', 'amqp', ...args]);
const plugins = () =>
  [...h.mock.state.uiPlugins.plugins.values()].map((p) => ({ id: p.id, version: p.version, status: p.status, publishedTo: [...p.publishedTo].length }));

beforeAll(async () => {
  h = await startHarness('pglite');
  h.mock.state.httpExtensions.serverless = h.backend.url;
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('vcd-serverless deploy --release', () => {
  it('refuses a plugin.zip whose bytes SHA256SUMS does not list, naming the file, before changing anything', async () => {
    const tampered = release('1.0.1', '1.0.1', (real) => real.replace(/^./, (c) => (c === '0' ? '1' : '0')));
    const r = await deploy('--release', tampered);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${path.join(tampered, 'plugin.zip')} does not match SHA256SUMS`);
    expect(plugins()).toEqual([]);
  });

  it('refuses a release whose plugin is another version than its directory names', async () => {
    const misnamed = release('9.0.0', '1.0.0');
    const r = await deploy('--release', misnamed);
    expect(r.code).toBe(1);
    expect(r.err).toContain('is version 1.0.0, not the 9.0.0 its directory names');
    expect(plugins()).toEqual([]);
  });

  it('installs exactly the plugin of that release and publishes it', async () => {
    const r = await deploy('--release', V1);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(plugins()).toMatchObject([{ version: '1.0.0', status: 'ready', publishedTo: 2 }]);
  });

  it('upgrades to a newer release in place: same plugin in vCD, still published to its orgs', async () => {
    const [before] = plugins();
    const r = await deploy('--release', V2);
    expect(r.code).toBe(0);
    expect(r.out).toContain('replace UI plugin Serverless 1.0.0 with 2.0.0 in place (it stays published to acme, globex)');
    expect(plugins()).toEqual([{ id: before.id, version: '2.0.0', status: 'ready', publishedTo: 2 }]);
    expect(h.mock.state.uiPlugins.plugins.get(before.id)?.manifest?.version).toBe('2.0.0');
    expect((await deploy('--release', V2)).out).toContain('no changes');
  });

  it('keeps a provider\'s unpublish: re-deploying the same version and upgrading leave the publication set as it is', async () => {
    const [plugin] = plugins();
    const session = await loginAsProvider({ vcdUrl: h.mock.url, user: 'administrator@System', password: 'provider-demo' });
    const unpublish = await fetch(`${h.mock.url}/cloudapi/extensions/ui/${encodeURIComponent(plugin.id)}/tenants/unpublish`, {
      method: 'POST',
      headers: { Accept: 'application/json;version=37.0', Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify([{ name: 'globex' }]),
    });
    expect(unpublish.status).toBe(200);
    const publishedTo = async () => (await pluginTenants(session, plugin.id)).map((o) => o.name);

    const again = await deploy('--release', V2);
    expect(again.code).toBe(0);
    expect(again.out).toContain('no changes');
    expect(await publishedTo()).toEqual(['acme']);

    const newer = await deploy('--release', V3);
    expect(newer.code).toBe(0);
    expect(newer.out).toContain('replace UI plugin Serverless 2.0.0 with 3.0.0 in place (it stays published to acme)');
    expect(plugins()).toEqual([{ id: plugin.id, version: '3.0.0', status: 'ready', publishedTo: 1 }]);
    expect(await publishedTo()).toEqual(['acme']);
  });

  it('refuses to go back to an older release unless --allow-downgrade, then does it in place', async () => {
    const [before] = plugins();
    const refused = await deploy('--release', V1);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('vCD runs UI plugin Serverless 3.0.0, newer than the 1.0.0');
    expect(refused.err).toContain('pass --allow-downgrade');
    expect(plugins()).toEqual([before]);

    const allowed = await deploy('--release', V1, '--allow-downgrade');
    expect(allowed.code).toBe(0);
    expect(plugins()).toEqual([{ ...before, version: '1.0.0' }]);
  });

  it('takes --release or --zip, not both', async () => {
    const r = await deploy('--release', V1, '--zip', path.join(V1, 'plugin.zip'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('--release and --zip exclude each other');
  });
});
