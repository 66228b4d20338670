import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginZip } from '../mock-vcd/testing/mock';
import { api, newFunction, startHarness, type Harness } from '../server/testing/harness';
import { runCli } from './cli';

/** `vcd-serverless status` and `diff` against two environments: each a mock vCD with its own backend and store. */

const dir = mkdtempSync(path.join(tmpdir(), 'vsl-status-'));
const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
};
const manifest = (version: string) => ({
  urn: 'vmware:vcloud:plugin:serverless', name: 'Serverless', containerVersion: '10.0.0', version, scope: ['tenant', 'service-provider'],
  permissions: [], description: 'test build', vendor: 'Tests', license: 'Apache-2.0', link: 'https://example.invalid', module: 'PluginModule', route: 'serverless',
});
const PLUGIN_V1 = write('v1.zip', pluginZip({ manifest: manifest('1.0.0') }));
const PLUGIN_V2 = write('v2.zip', pluginZip({ manifest: manifest('2.0.0') }));
const PACKAGE_VERSION = JSON.parse(readFileSync(path.resolve(__dirname, '../package.json'), 'utf8')).version as string;
const MIGRATIONS = readdirSync(path.resolve(__dirname, '../server/store/migrations')).filter((f) => f.endsWith('.sql')).sort();

async function cli(args: string[], env: NodeJS.ProcessEnv = { STAGING_PW: 'provider-demo', PROD_PW: 'provider-demo' }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let a: Harness;
let b: Harness;
let envA: string;
let envB: string;

async function deploy(h: Harness, zip: string) {
  const r = await cli(['deploy', '--vcd', h.mock.url, '--user', 'administrator@System', '--zip', zip, '--transport', 'amqp'], { VCD_PASSWORD: 'provider-demo' });
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
}

async function rateCard(h: Harness, change?: (card: any) => void) {
  const provider = await h.login('provider');
  const url = `${h.backend.url}/api/org/System/showback/ratecard`;
  const headers = { Authorization: `Bearer ${provider}`, Accept: 'application/json', 'Content-Type': 'application/json' };
  const { editable: _, ...card } = (await (await fetch(url, { headers })).json()) as Record<string, any>;
  if (!change) return card;
  change(card);
  const res = await fetch(url, { method: 'PUT', headers, body: JSON.stringify(card) });
  expect(res.status).toBe(200);
  return card;
}

beforeAll(async () => {
  [a, b] = await Promise.all([startHarness('pglite'), startHarness('pglite')]);
  for (const h of [a, b]) {
    h.mock.state.httpExtensions.serverless = h.backend.url;
    await deploy(h, PLUGIN_V1);
  }
  envA = write('staging.env', `# staging\nVCD_URL=${a.mock.url}\nVCD_USER=administrator@System\nVCD_PASSWORD_VAR=STAGING_PW\n`);
  envB = write('production.env', `VCD_URL="${b.mock.url}/"\nVCD_USER=administrator@System\nVCD_PASSWORD_VAR=PROD_PW\n`);
  // Tenants' data differs between environments; the diff compares configuration, not data.
  const acme = api(() => a.backend.url, await a.login('acme'));
  await acme.post('/api/org/acme/faas/functions', newFunction('hello'));
  await acme.waitBuilt('acme', 'hello');
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('vcd-serverless status', () => {
  it('says with --json what the environment runs: plugin and its orgs, registration, filters, backend, migrations, counts', async () => {
    const r = await cli(['status', '--env', envA, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.plugin).toEqual({ name: 'Serverless', version: '1.0.0', status: 'ready', publishedTo: ['acme', 'globex'] });
    expect(s.registrations).toEqual([
      { transport: 'amqp', service: 'serverless', enabled: true, filters: ['(/api/org/[^/]+/(faas|showback|autoscale|provider|limits|audit)(/.*)?)'] },
    ]);
    expect(s.backend.version).toBe(PACKAGE_VERSION);
    expect(s.backend.transport).toBe('http');
    expect(s.backend.migrations).toEqual({ level: Number(MIGRATIONS.at(-1)!.split('_')[0]), applied: MIGRATIONS });
    expect(s.backend.orgs).toEqual([
      { org: 'acme', functions: 1, rules: 0 },
      { org: 'globex', functions: 0, rules: 0 },
    ]);
    expect(s.rateCard.currency).toMatch(/^[A-Z]{3}$/);
  });

  it('prints a readable summary with the counts per org as a table', async () => {
    const r = await cli(['status', '--vcd', a.mock.url, '--user', 'administrator@System'], { VCD_PASSWORD: 'provider-demo' });
    expect(r.code).toBe(0);
    expect(r.out).toContain('plugin     Serverless 1.0.0 (ready), published to acme, globex');
    expect(r.out).toContain('extension  API extension serverless over AMQP, enabled');
    expect(r.out).toContain(`backend    ${PACKAGE_VERSION} over HTTP, store at migration`);
    expect(r.out).toMatch(/ORG\s+FUNCTIONS\s+RULES\nacme\s+1\s+0\nglobex\s+0\s+0/);
  });

  it('names the variable a password is missing from, and an environment file that puts a password inside', async () => {
    const none = await cli(['status', '--env', envA], {});
    expect(none.code).toBe(1);
    expect(none.err).toContain(`no password for ${envA}: set STAGING_PW`);
    const leaky = write('leaky.env', `VCD_URL=${a.mock.url}\nVCD_USER=administrator@System\nVCD_PASSWORD=provider-demo\n`);
    const r = await cli(['status', '--env', leaky]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('leaky.env:3: no passwords in an environment file');
  });
});

describe('vcd-serverless diff', () => {
  it('prints nothing and exits 0 when two environments match', async () => {
    const r = await cli(['diff', '--from', envA, '--to', envB]);
    expect(r.err).toBe('');
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  it('names exactly the rate that differs after the rate card changed in one', async () => {
    const before = await rateCard(a);
    const old = before.rates.functionInvocation;
    await rateCard(a, (card) => (card.rates.functionInvocation = old * 3));
    try {
      const r = await cli(['diff', '--from', envA, '--to', envB]);
      expect(r.code).toBe(1);
      expect(r.out.split('\n')).toEqual([`rate card.rates.functionInvocation: ${old * 3} -> ${old}`]);
    } finally {
      await rateCard(a, (card) => (card.rates.functionInvocation = old));
    }
  });

  it('names exactly the plugin after a different version went to one, as JSON too', async () => {
    await deploy(b, PLUGIN_V2);
    const r = await cli(['diff', '--from', envA, '--to', envB]);
    expect(r.code).toBe(1);
    expect(r.out.split('\n')).toEqual(['plugin: Serverless 1.0.0 -> Serverless 2.0.0']);
    const j = await cli(['diff', '--from', envA, '--to', envB, '--json']);
    expect(JSON.parse(j.out).differences).toEqual(['plugin: Serverless 1.0.0 -> Serverless 2.0.0']);
  });

  it('exits 2, not 1, when it cannot compare', async () => {
    const r = await cli(['diff', '--from', envA, '--to', path.join(dir, 'missing.env')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot read environment file');
  });
});
