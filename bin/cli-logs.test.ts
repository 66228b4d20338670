import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginZip } from '../mock-vcd/testing/mock';
import { api, startHarness, type Harness } from '../server/testing/harness';
import { until } from '../server/testing/until';
import { runCli } from './cli';

/** `vcd-serverless logs <fn> [--follow]` through the mock vCD, as a tenant (issue 13, item 5). */

const LOUD = `module.exports = async (event) => {
  console.log('hello ' + (event.query.who || 'nobody'));
  if (event.query.fail) throw new Error('asked to fail');
  return { statusCode: 200, body: 'ok' };
};`;

const dir = mkdtempSync(path.join(tmpdir(), 'vsl-logs-'));
const MANIFEST = {
  urn: 'vmware:vcloud:plugin:serverless', name: 'Serverless', containerVersion: '10.0.0', version: '1.0.0', scope: ['tenant', 'service-provider'],
  permissions: [], description: 'test build', vendor: 'Tests', license: 'Apache-2.0', link: 'https://example.invalid', module: 'PluginModule', route: 'serverless',
};

describe('vcd-serverless logs', () => {
  let h: Harness;
  let acme: ReturnType<typeof api>;

  beforeAll(async () => {
    h = await startHarness('pglite', { backend: { containerEngine: 'off', orgRateLimitPerMinute: 0 } });
    // The extension deployed in the mock vCD, so the CLI reaches the backend through vCD as a tenant would.
    h.mock.state.httpExtensions.serverless = h.backend.url;
    const zip = path.join(dir, 'plugin.zip');
    writeFileSync(zip, pluginZip({ manifest: MANIFEST }));
    const deployed = await runCli(['deploy', '--vcd', h.mock.url, '--user', 'administrator@System', '--zip', zip, '--transport', 'amqp'], { out: () => {}, err: () => {}, env: { VCD_PASSWORD: 'provider-demo' } });
    expect(deployed).toBe(0);
    acme = api(() => h.backend.url, await h.login('acme'));
    expect((await acme.post('/api/org/acme/faas/functions', { name: 'loud', runtime: 'nodejs20', code: LOUD, trigger: { type: 'http', route: 'loud' } })).status).toBe(202);
    expect((await acme.waitBuilt('acme', 'loud')).status).toBe('ready');
    await acme.get('/api/org/acme/loud?who=earlier');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (args: string[], signal?: AbortSignal) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = runCli(['logs', ...args, '--vcd', h.mock.url, '--user', 'admin@acme'], { out: (l) => out.push(l), err: (l) => err.push(l), env: { VCD_PASSWORD: 'acme-demo' }, signal });
    return { code, out, err };
  };

  it('prints the latest calls with their log lines and exits', async () => {
    const r = run(['loud']);
    expect(await r.code).toBe(0);
    expect(r.out).toContain('  | info hello earlier');
    expect(r.out.find((l) => l.includes(' success '))).toMatch(/ v1 {2}http +success +200 /);
  });

  it('--follow prints a call made after it started, honours --status, and stops cleanly on Ctrl-C', async () => {
    const stop = new AbortController();
    const r = run(['loud', '--follow', '--status', 'error'], stop.signal);
    await until('the follow to start', async () => r.out.some((l) => l.startsWith('-- following loud')) || undefined, { timeoutMs: 20_000 });
    await acme.get('/api/org/acme/loud?who=fine');
    await acme.get('/api/org/acme/loud?who=broken&fail=1');
    await until('the failed call to show', async () => r.out.includes('  | info hello broken') || undefined, { timeoutMs: 20_000 });
    expect(r.out).not.toContain('  | info hello fine');
    stop.abort();
    expect(await r.code).toBe(0);
    expect(r.err).toEqual([]);
  });

  it('says what is wrong: an unknown function, a bad --version, no function name', async () => {
    const missing = run(['nope']);
    expect(await missing.code).toBe(1);
    expect(missing.err.join('\n')).toMatch(/HTTP 404: function "nope" does not exist/);
    const bad = run(['loud', '--version', 'x']);
    expect(await bad.code).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--version must be a version number/);
    const none = run([]);
    expect(await none.code).toBe(2);
    expect(none.err.join('\n')).toMatch(/exactly one function name/);
  });
});
