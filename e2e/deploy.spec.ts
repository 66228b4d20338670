import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../bin/cli';
import { loginToPortal, openPlugin, portal } from './support/portal';
import { E2E_TRANSPORT, undeployedStack, type UndeployedStack } from './support/transport';

/**
 * A provider installs the product with `vcd-serverless deploy` into the mock vCD, twice: by default as an external
 * service on vCD's MQTT bus (its token in the backend's data dir), in AMQP mode as an AMQP extension; a tenant then
 * works in the plugin in the portal; `undeploy` takes it away again.
 */

const root = path.resolve(__dirname, '..');
let stack: UndeployedStack;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-e2e-deploy-'));
  stack = await undeployedStack({ dataDir, portalDir: path.join(root, 'dist/portal/browser') });
});

test.afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function cli(command: 'deploy' | 'undeploy') {
  const out: string[] = [];
  const err: string[] = [];
  const args = [command, '--vcd', stack.mock.url, '--user', 'administrator@System', '--zip', path.join(root, 'dist/plugin.zip'), ...stack.deployArgs];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: { VCD_PASSWORD: 'provider-demo' } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });

test.describe.configure({ mode: 'serial' });

test(`deploy twice leaves one published plugin; a tenant uses it through the ${E2E_TRANSPORT} extension`, async ({ page }) => {
  const first = await cli('deploy');
  expect(first.err).toBe('');
  expect(first.code).toBe(0);
  expect(first.out).toContain('upload UI plugin Serverless');

  await loginToPortal(page, stack.mock.url, 'admin@acme', 'acme-demo');
  const content = await openPlugin(page, 'Serverless');
  // The functions page lists through vCD → bus → backend: the org's empty list, shown only after a good answer.
  await expect(content.getByTestId('functions-empty')).toBeVisible();
  await shot(page, `deploy-cli-plugin-${E2E_TRANSPORT}`);

  const second = await cli('deploy');
  expect(second.code).toBe(0);
  expect(second.out).toContain('no changes: vCD already holds this state');
});

test('undeploy removes the plugin from the portal', async ({ page }) => {
  const r = await cli('undeploy');
  expect(r.code).toBe(0);
  await loginToPortal(page, stack.mock.url, 'admin@acme', 'acme-demo');
  await expect(page.locator(portal.nav).getByRole('link', { name: 'Serverless', exact: true })).toHaveCount(0);
});
