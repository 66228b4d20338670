import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type Stack } from '../scripts/stack';
import { loginToPortal, openPlugin, portalToken } from './support/portal';

/**
 * Issue 13, item 1 in the mock portal: a queued call that fails lands in the function's Dead letters tab; after a fix
 * the user re-drives it from there and it runs. Calls go through the mock vCD, as a client's would.
 */

let stack: Stack;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-e2e-async-'));
  stack = await startStack({ dataDir, logLevel: 'warn' });
});

test.afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('a failing queued call lands in the dead letters and is re-driven from there after a fix', async ({ page, request }) => {
  await loginToPortal(page, stack.vcdUrl, 'admin@acme', 'acme-demo');
  const headers = { Authorization: `Bearer ${await portalToken(page)}`, Accept: 'application/json' };
  const api = `${stack.vcdUrl}/api/org/acme/faas/functions`;
  const code = "module.exports = async (event) => { if (event.body.broken) throw new Error('order ' + event.body.order + ' failed'); return { statusCode: 200, body: {} }; };";
  const created = await request.post(api, { headers, data: { name: 'orders', runtime: 'nodejs20', code, trigger: { type: 'http', route: 'orders' }, async: { maxRetries: 0 } } });
  expect(created.status()).toBe(202);
  await expect.poll(async () => (await (await request.get(`${api}/orders`, { headers })).json()).status).toBe('ready');

  const queued = await request.post(`${api}/orders/invocations`, { headers, data: { order: 42, broken: true } });
  expect(queued.status()).toBe(202);
  await expect.poll(async () => (await (await request.get(`${api}/orders/dead-letters`, { headers })).json()).total).toBe(1);

  await openPlugin(page, 'Serverless');
  await page.getByTestId('function-link').filter({ hasText: 'orders' }).click();
  await page.getByTestId('tab-dead-letters').click();
  const row = page.getByTestId('dead-letter-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('dead-letter-error')).toContainText('order 42 failed');
  await expect(row.getByTestId('dead-letter-body')).toContainText('"order":42');
  await page.screenshot({ path: 'e2e/screenshots/30-dead-letters.png', fullPage: true });

  // The fix: a version that no longer fails on that body.
  const fixed = await request.put(`${api}/orders`, { headers, data: { code: 'module.exports = async (event) => ({ statusCode: 200, body: { done: event.body.order } });' } });
  expect(fixed.status()).toBe(202);
  await expect.poll(async () => (await (await request.get(`${api}/orders`, { headers })).json()).version).toBe(2);

  await row.getByTestId('dead-letter-redrive').click();
  await expect(page.getByTestId('dead-letter-notice')).toBeVisible();
  await expect(page.getByTestId('dead-letter-row')).toHaveCount(0);
  await expect
    .poll(async () => (await (await request.get(`${api}/orders/activations?status=success`, { headers })).json()).items.map((a: { trigger: string; attempt: number }) => `${a.trigger}#${a.attempt}`))
    .toEqual(['async#2']);
});
