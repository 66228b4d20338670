import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { injectedAnomaly } from '../mock-vcd/billing/demo-data';
import { seedShowbackDemo } from '../scripts/demo-data';
import { startStack, type Stack } from '../scripts/stack';
import { loginToPortal, openPlugin, portalToken } from './support/portal';

/**
 * Cost anomalies (issue 15), in the real portal: on the demo data `npm start` seeds (the check runs after the
 * collector's run), the dashboard's daily chart over the last 90 days lists the spikes injected into the demo data
 * with their service, size and vApp, and the Budgets page shows their alerts beside the budget alerts.
 * Screenshots: e2e/screenshots/showback-anomalies-NN-*.png.
 */

let stack: Stack;
let dataDir: string;
const DAY_MS = 86_400_000;
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-e2e-showback-anomalies-'));
  stack = await startStack({ dataDir, logLevel: 'warn' });
  expect(await seedShowbackDemo(stack)).toContain('acme');
});

test.afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface StoredAnomaly { day: string; service: string; vappName: string | null; alertId: string | null }

test("the demo data's injected spikes show on the dashboard's daily chart and list, and as alerts", async ({ page, request }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 1500 });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await loginToPortal(page, stack.vcdUrl, 'admin@acme', 'acme-demo');
  await openPlugin(page, 'Serverless');
  await page.getByTestId('nav-showback').click();
  await expect(page.getByTestId('showback-dashboard')).toBeVisible();

  // The spikes the demo data injects in the last 90 days up to yesterday (the days the daily check judges).
  const now = Date.now();
  const injected: { day: string; service: string }[] = [];
  for (let t = now - 89 * DAY_MS; t <= now - DAY_MS; t += DAY_MS) {
    for (const service of ['compute', 'storage', 'network', 'functions', 'backup']) if (injectedAnomaly('acme', day(t), service)) injected.push({ day: day(t), service });
  }
  expect(injected.length, 'the demo data injects a spike in the last 90 days').toBeGreaterThan(0);

  await page.getByTestId('showback-range').selectOption('last90');
  const list = page.getByTestId('anomaly-list');
  await expect(list).toBeVisible();
  await expect(page.locator('[data-test="chart-daily"] canvas')).toBeVisible();
  for (const spike of injected) {
    await expect(list.locator(`[data-test="anomaly"][data-day="${spike.day}"][data-service="${spike.service}"]`)).toBeVisible();
  }
  // Each row says what the API stored: the service, and the vApp that drove it where there is one.
  const token = await portalToken(page);
  const answer = await request.get(`${stack.vcdUrl}/api/org/acme/showback/anomalies?from=${day(now - 89 * DAY_MS)}&to=${day(now)}`, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
  });
  const stored = (await answer.json()).items as StoredAnomaly[];
  await expect(list.getByTestId('anomaly')).toHaveCount(stored.length);
  for (const a of stored) {
    const row = list.locator(`[data-test="anomaly"][data-day="${a.day}"][data-service="${a.service}"]`);
    await expect(row).toContainText(a.service);
    await expect(row).toContainText(a.vappName ? `driven by vApp ${a.vappName}` : 'no single vApp drove it');
  }
  await list.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'e2e/screenshots/showback-anomalies-01-dashboard.png', fullPage: true });

  // Each anomaly raised an alert, shown on the Budgets page beside the budget alerts.
  await page.getByTestId('showback-budgets-link').click();
  await expect(page.getByTestId('showback-budgets')).toBeVisible();
  const newest = stored[stored.length - 1];
  const row = page.locator(`[data-test="alert-row"][data-alert="${newest.alertId}"]`);
  await expect(row.getByTestId('alert-anomaly')).toHaveText(`Cost anomaly: ${newest.service}`);
  await page.screenshot({ path: 'e2e/screenshots/showback-anomalies-02-alerts.png', fullPage: true });
  expect(pageErrors).toEqual([]);
});
