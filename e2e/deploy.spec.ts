import { expect, test, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../bin/cli';
import { startMockVcd, type RunningMockVcd } from '../mock-vcd/main';
import { startServer, type RunningServer } from '../server/main';
import { AMQP_URL, backendAmqpConfig, rawClient, uniqueNames } from '../server/testing/amqp';
import { loginToPortal, openPlugin, portal } from './support/portal';

/**
 * A provider installs the product with `vcd-serverless deploy` into the mock vCD in AMQP mode (as a real vCD would
 * reach the backend), twice; a tenant then works in the plugin in the portal; `undeploy` takes it away again.
 */

const root = path.resolve(__dirname, '..');
const names = uniqueNames();
let mock: RunningMockVcd;
let backend: RunningServer;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-e2e-deploy-'));
  const secret = randomBytes(32).toString('hex');
  mock = await startMockVcd({
    sharedSecret: secret,
    portalDir: path.join(root, 'dist/portal/browser'),
    amqp: { url: AMQP_URL, replyExchange: names.replyExchange, notificationsExchange: names.notificationsExchange },
  });
  backend = await startServer({ port: 0, vcdUrl: mock.url, dataDir, logLevel: 'warn', extensionSharedSecret: secret, ...backendAmqpConfig(names) });
});

test.afterAll(async () => {
  await backend?.close();
  await mock?.close();
  const client = await rawClient();
  await client.cleanup(names);
  rmSync(dataDir, { recursive: true, force: true });
});

async function cli(command: 'deploy' | 'undeploy') {
  const out: string[] = [];
  const err: string[] = [];
  const args = [command, '--vcd', mock.url, '--user', 'administrator@System', '--zip', path.join(root, 'dist/plugin.zip')];
  const extra = command === 'deploy' ? ['--exchange', names.exchange, '--routing-key', names.routingKey, '--amqp-url', 'amqp://guest@127.0.0.1:5672/'] : [];
  const code = await runCli([...args, ...extra], { out: (l) => out.push(l), err: (l) => err.push(l), env: { VCD_PASSWORD: 'provider-demo' } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });

test.describe.configure({ mode: 'serial' });

test('deploy twice leaves one published plugin; a tenant uses it through the AMQP extension', async ({ page }) => {
  const first = await cli('deploy');
  expect(first.err).toBe('');
  expect(first.code).toBe(0);
  expect(first.out).toContain('upload UI plugin Serverless');
  const second = await cli('deploy');
  expect(second.code).toBe(0);
  expect(second.out).toContain('no changes: vCD already holds this state');

  await loginToPortal(page, mock.url, 'admin@acme', 'acme-demo');
  const content = await openPlugin(page, 'Serverless');
  // The functions page lists through vCD → RabbitMQ → backend: the org's empty list, shown only after a good answer.
  await expect(content.getByTestId('functions-empty')).toBeVisible();
  await shot(page, 'deploy-cli-plugin-amqp');
});

test('undeploy removes the plugin from the portal', async ({ page }) => {
  const r = await cli('undeploy');
  expect(r.code).toBe(0);
  await loginToPortal(page, mock.url, 'admin@acme', 'acme-demo');
  await expect(page.locator(portal.nav).getByRole('link', { name: 'Serverless', exact: true })).toHaveCount(0);
});
