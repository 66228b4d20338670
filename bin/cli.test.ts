import { execFile } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginZip } from '../mock-vcd/testing/mock';
import { api, newFunction, startHarness, type Harness } from '../server/testing/harness';
import { runCli } from './cli';

/** The provider CLI against the mock vCD (with the real backend behind its extension forwarding). */

const dir = mkdtempSync(path.join(tmpdir(), 'vsl-cli-'));
const zip = (name: string, buffer: Buffer) => {
  const file = path.join(dir, name);
  writeFileSync(file, buffer);
  return file;
};
const manifest = (version: string) => ({
  urn: 'vmware:vcloud:plugin:serverless',
  name: 'Serverless',
  containerVersion: '10.0.0',
  version,
  scope: ['tenant', 'service-provider'],
  permissions: [],
  description: 'test build',
  vendor: 'Tests',
  license: 'Apache-2.0',
  link: 'https://example.invalid',
  module: 'PluginModule',
  route: 'serverless',
});
const PLUGIN_V1 = zip('v1.zip', pluginZip({ manifest: manifest('1.0.0') }));
const PLUGIN_V2 = zip('v2.zip', pluginZip({ manifest: manifest('2.0.0') }));
const NOT_A_PLUGIN = zip('bad.zip', Buffer.from('just some bytes'));

async function cli(args: string[], password = 'provider-demo') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: { VCD_PASSWORD: password } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness('pglite');
  h.mock.state.httpExtensions.serverless = h.backend.url;
  // A ready function before the deploy: its route gets an API filter of its own.
  const acme = api(() => h.backend.url, await h.login('acme'));
  await acme.post('/api/org/acme/faas/functions', newFunction('hello'));
  await acme.waitBuilt('acme', 'hello');
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What the CLI owns in the mock vCD, comparable between runs. */
function vcdState() {
  const { uiPlugins, extensions, amqpSettings } = h.mock.state;
  return {
    plugins: [...uiPlugins.plugins.values()].map((p) => ({ name: p.pluginName, version: p.version, tenants: p.publishedTo.size })),
    services: [...extensions.services.values()].map((s) => ({ name: s.name, exchange: s.exchange, routingKey: s.routingKey, enabled: s.enabled, filters: s.apiFilters.map((f) => f.urlPattern).sort() })),
    amqp: { ...amqpSettings },
  };
}

const tokenFile = path.join(dir, 'backend', 'mqtt-extension.token');
// The token file always in the test's temp dir: never a developer's .data/backend.
const vcdArgs = () => ['--vcd', h.mock.url, '--user', 'administrator@System', '--token-file', tokenFile];

describe('vcd-serverless deploy / undeploy', () => {
  it('refuses a zip that is not a plugin, before changing anything', async () => {
    const r = await cli(['deploy', ...vcdArgs(), '--zip', NOT_A_PLUGIN]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('is not a vCD UI plugin');
    expect(vcdState().plugins).toEqual([]);
  });

  it('says the password is wrong and exits non-zero', async () => {
    const r = await cli(['deploy', ...vcdArgs(), '--zip', PLUGIN_V1], 'not-the-password');
    expect(r.code).toBe(1);
    expect(r.err).toContain('refused the login of administrator@System: wrong user or password');
    expect(r.err).not.toContain('not-the-password');
  });

  it('says when vCD cannot be reached', async () => {
    const closed = http.createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    closed.close();
    const r = await cli(['deploy', '--vcd', url, '--user', 'administrator@System', '--zip', PLUGIN_V1]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`cannot reach vCD at ${url}: ECONNREFUSED`);
  });

  it('never takes a password from the command line and says where it comes from', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['deploy', ...vcdArgs(), '--zip', PLUGIN_V1], { out: (l) => out.push(l), err: (l) => err.push(l), env: {} });
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('no password: set VCD_PASSWORD or run in a terminal to be asked');
    const withSecret = await cli(['deploy', ...vcdArgs(), '--zip', PLUGIN_V1, '--amqp-url', 'amqp://guest:secret@127.0.0.1:5672/']);
    expect(withSecret.code).toBe(2);
    expect(withSecret.err).toContain('--amqp-url must not carry a password: set AMQP_PASSWORD instead');
    expect((await cli(['deploy', ...vcdArgs(), '--password', 'x'])).code).toBe(2);
    expect(vcdState().plugins).toEqual([]);
  });

  it('prints the plan on --dry-run and changes nothing', async () => {
    const before = vcdState();
    const r = await cli(['deploy', ...vcdArgs(), '--zip', PLUGIN_V1, '--amqp-url', 'amqp://guest@127.0.0.1:5672/', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('would register API extension serverless');
    expect(r.out).toContain('would upload UI plugin Serverless 1.0.0');
    expect(r.out).toContain('would set vCD\'s AMQP settings: AmqpHost=127.0.0.1');
    expect(vcdState()).toEqual(before);
  });

  it('deploys, and a second run changes nothing and says so', async () => {
    const first = await cli(['deploy', ...vcdArgs(), '--zip', PLUGIN_V1, '--amqp-url', 'amqp://guest@127.0.0.1:5672/']);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    const deployed = vcdState();
    expect(deployed.plugins).toEqual([{ name: 'Serverless', version: '1.0.0', tenants: 2 }]);
    expect(deployed.services).toEqual([
      {
        name: 'serverless',
        exchange: 'vcdext',
        routingKey: 'serverless',
        enabled: true,
        filters: ['(/api/org/[^/]+/(faas|showback|autoscale|provider|limits|audit)(/.*)?)', '(/api/org/acme/hello(/.*)?)'],
      },
    ]);
    expect(deployed.amqp).toMatchObject({ AmqpHost: '127.0.0.1', AmqpPort: 5672, AmqpUsername: 'guest', AmqpExchange: 'systemExchange', AmqpPrefix: 'vcd' });

    const second = await cli(['deploy', ...vcdArgs(), '--zip', PLUGIN_V1, '--amqp-url', 'amqp://guest@127.0.0.1:5672/']);
    expect(second.code).toBe(0);
    expect(second.out).toContain('no changes: vCD already holds this state');
    expect(vcdState()).toEqual(deployed);
  });

  it('replaces an older plugin version with the new one', async () => {
    const r = await cli(['deploy', ...vcdArgs(), '--zip', PLUGIN_V2, '--transport', 'amqp']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('replace UI plugin Serverless 1.0.0 with 2.0.0');
    expect(vcdState().plugins).toEqual([{ name: 'Serverless', version: '2.0.0', tenants: 2 }]);
  });

  it('undeploys what it made; a second undeploy has nothing to do', async () => {
    const r = await cli(['undeploy', ...vcdArgs(), '--zip', PLUGIN_V2]);
    expect(r.code).toBe(0);
    expect(vcdState().plugins).toEqual([]);
    expect(vcdState().services).toEqual([]);
    expect((await cli(['undeploy', ...vcdArgs(), '--zip', PLUGIN_V2])).out).toContain('no changes');
  });

  it('runs as `npx vcd-serverless` with the password from the environment', async () => {
    const run = promisify(execFile);
    const { stdout } = await run('npx', ['--no-install', 'vcd-serverless', 'deploy', ...vcdArgs(), '--zip', PLUGIN_V1, '--dry-run'], {
      cwd: path.resolve(__dirname, '..'),
      env: { ...process.env, VCD_PASSWORD: 'provider-demo' },
    });
    expect(stdout).toContain('would upload UI plugin Serverless 1.0.0');
  });
});
