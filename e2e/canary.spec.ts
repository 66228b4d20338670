import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type Stack } from '../scripts/stack';
import { loginToPortal, openPlugin, portalToken } from './support/portal';

/**
 * Issue 13, item 3 in the mock portal: a 90/10 canary of a version that throws, started from the function page's
 * Aliases / Traffic tab, rolls itself back once its error rate passes the threshold, and the page shows it (the
 * badge, the traffic, and the history entry with its numbers). Calls go through the mock vCD, as a client's would.
 */

let stack: Stack;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-e2e-canary-'));
  stack = await startStack({ dataDir, logLevel: 'warn' });
});

test.afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('a 90/10 canary of a version that throws rolls itself back and the function page shows it', async ({ page, request }) => {
  await loginToPortal(page, stack.vcdUrl, 'admin@acme', 'acme-demo');
  const headers = { Authorization: `Bearer ${await portalToken(page)}`, Accept: 'application/json' };
  const api = `${stack.vcdUrl}/api/org/acme/faas/functions`;
  const fn = async () => (await request.get(`${api}/checkout`, { headers })).json();
  const created = await request.post(api, {
    headers,
    data: { name: 'checkout', runtime: 'nodejs20', code: 'module.exports = async () => ({ statusCode: 200, body: { v: 1 } });', trigger: { type: 'http', route: 'checkout' } },
  });
  expect(created.status()).toBe(202);
  await expect.poll(async () => (await fn()).status).toBe('ready');
  // Version 2 throws; version 1 stays the one serving, version 2 becomes its canary.
  expect((await request.put(`${api}/checkout`, { headers, data: { code: "module.exports = async () => { throw new Error('v2 broke'); };" } })).status()).toBe(202);
  await expect.poll(async () => (await fn()).version).toBe(2);
  expect((await request.post(`${api}/checkout/rollback`, { headers, data: { version: 1 } })).status()).toBe(202);

  await openPlugin(page, 'Serverless');
  await page.getByTestId('function-link').filter({ hasText: 'checkout' }).click();
  await page.getByTestId('tab-aliases').click();
  await page.getByTestId('canary-version').fill('2');
  await page.getByTestId('canary-weight').fill('10');
  await page.getByTestId('canary-rate').fill('20');
  await page.getByTestId('canary-min').fill('3');
  await page.getByTestId('canary-start').click();
  const liveRow = page.getByTestId('alias-row').filter({ hasText: 'live' });
  await expect(liveRow.getByTestId('alias-traffic')).toHaveText('v1 90 % · v2 10 %');
  await expect(liveRow.getByTestId('alias-canary')).toBeVisible();

  // Calls through vCD until the canary rolled itself back (three failed canary calls: about 30 calls).
  await expect
    .poll(
      async () => {
        for (let i = 0; i < 20; i++) await request.get(`${stack.vcdUrl}/api/org/acme/checkout`, { headers });
        const live = await (await request.get(`${api}/checkout/aliases/live`, { headers })).json();
        return live.traffic[1]?.weight;
      },
      { timeout: 60_000 },
    )
    .toBe(0);

  await page.getByTestId('aliases-refresh').click();
  await expect(liveRow.getByTestId('alias-rolled-back')).toBeVisible();
  await expect(liveRow.getByTestId('alias-traffic')).toHaveText('v1 100 % · v2 0 %');
  const auto = page.locator('[data-test="history-entry"][data-kind="auto-rolled-back"]');
  await expect(auto).toHaveCount(1);
  await expect(auto.getByTestId('history-numbers')).toContainText('20 %');
  await page.screenshot({ path: 'e2e/screenshots/32-canary-rolled-back.png', fullPage: true });

  // Every call is version 1's now.
  for (let i = 0; i < 10; i++) expect((await request.get(`${stack.vcdUrl}/api/org/acme/checkout`, { headers })).status()).toBe(200);
});
