import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type Stack } from '../scripts/stack';
import { loginToPortal, openPlugin, portalToken } from './support/portal';

/**
 * Issue 13, item 5 in the mock portal: the function page's Live logs tab follows new calls; a call made through the
 * mock vCD after the user pressed Follow appears with its log lines, without reloading.
 */

let stack: Stack;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-e2e-live-'));
  stack = await startStack({ dataDir, logLevel: 'warn' });
});

test.afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('a call made after Follow appears live with its log lines', async ({ page, request }) => {
  await loginToPortal(page, stack.vcdUrl, 'admin@acme', 'acme-demo');
  const headers = { Authorization: `Bearer ${await portalToken(page)}`, Accept: 'application/json' };
  const api = `${stack.vcdUrl}/api/org/acme/faas/functions`;
  const code = "module.exports = async (event) => { console.log('order ' + event.query.order + ' seen'); return { statusCode: 200, body: {} }; };";
  const created = await request.post(api, { headers, data: { name: 'chatty', runtime: 'nodejs20', code, trigger: { type: 'http', route: 'chatty' } } });
  expect(created.status()).toBe(202);
  await expect.poll(async () => (await (await request.get(`${api}/chatty`, { headers })).json()).status).toBe('ready');

  await openPlugin(page, 'Serverless');
  await page.getByTestId('function-link').filter({ hasText: 'chatty' }).click();
  await page.getByTestId('tab-live').click();
  // The first poll's answer is the cursor: the call below comes after it.
  const firstPoll = page.waitForResponse((r) => r.url().includes('/activations/feed') && r.url().includes('waitMs=0'));
  await page.getByTestId('live-start').click();
  await firstPoll;
  await expect(page.getByTestId('live-stop')).toBeVisible();

  const called = await request.get(`${stack.vcdUrl}/api/org/acme/chatty?order=77`, { headers });
  expect(called.status()).toBe(200);
  await expect(page.getByTestId('live-call-logs').first()).toContainText('order 77 seen', { timeout: 30_000 });
  await page.screenshot({ path: 'e2e/screenshots/40-live-logs.png', fullPage: true });
  await page.getByTestId('live-stop').click();
  await expect(page.getByTestId('live-start')).toBeVisible();
});
