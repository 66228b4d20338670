import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMockVcd } from '../mock-vcd/main';
import { registerMqttService } from '../server/testing/mqtt-service';
import { trustVcdForFetch } from '../server/transport/mqtt/tls';
import { startRemoteDev, type RemoteDev } from '../scripts/dev/remote';
import { loginToPortal, openPlugin } from './support/portal';

/**
 * `npm start -- --vcd <remote>` in Chromium (issue 17 item 5): a second mock vCD plays the remote one (HTTPS with
 * its own CA, the product registered on its bus as deploy does, no plugin installed there). The local shell logs
 * in against it through the proxy, shows the local dist/plugin.zip, and a function made there is answered by the
 * local backend over the remote's MQTT bus.
 */

let remote: Awaited<ReturnType<typeof startMockVcd>>;
let dev: RemoteDev;
let dir: string;

test.beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vsl-e2e-remote-'));
  remote = await startMockVcd({ tls: { dir: path.join(dir, 'tls') } });
  trustVcdForFetch(remote.url, { ca: readFileSync(remote.caFile!, 'utf8') });
  const { token } = await registerMqttService(remote.url);
  dev = await startRemoteDev({ vcdUrl: remote.url, caFile: remote.caFile, backend: { dataDir: path.join(dir, 'backend'), mqttToken: token, logLevel: 'warn' } });
});

test.afterAll(async () => {
  await dev?.close();
  await remote?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the local shell logs in at the remote vCD, opens the local plugin, creates and invokes a function', async ({ page }) => {
  const remoteCalls: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(dev.portalUrl)) remoteCalls.push(r.url());
  });
  await loginToPortal(page, dev.portalUrl, 'admin@acme', 'acme-demo');
  await openPlugin(page, 'Serverless');
  await expect(page.getByTestId('functions-empty')).toBeVisible();

  await page.getByTestId('new-function').click();
  await page.getByTestId('function-name').fill('hello');
  await page.getByTestId('function-route').fill('hello');
  const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === `${dev.portalUrl}/api/org/acme/faas/functions`);
  await page.getByTestId('create-function').click();
  expect((await created).status()).toBe(202);
  await expect(page.getByText(/^\s*ready\s*$/i).first()).toBeVisible({ timeout: 30_000 });

  await expect(page.getByTestId('function-title')).toHaveText('hello');
  await page.getByTestId('invoke-function').click();
  await expect(page.getByTestId('invoke-status')).toContainText('200');
  await expect(page.getByTestId('invoke-body')).toContainText('Hello world');
  // The browser only ever talked to the local origin; the remote vCD holds the session and forwarded over its bus.
  expect(remoteCalls).toEqual([]);
  expect(remote.state.mqtt.connectedClients).toBe(1);
});
