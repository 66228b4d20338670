import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type Stack } from '../scripts/stack';
import { loginToPortal, openPlugin } from './support/portal';

/**
 * Issue 13, item 2 in the mock portal: a user makes a function on a once-a-minute schedule from the New function
 * form (with the next runs previewed), and its scheduled run shows on the Activations tab with the tick it ran for.
 * The wait is for the run to appear (generous timeout), never a fixed sleep on the wall clock.
 */

let stack: Stack;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-e2e-schedule-'));
  stack = await startStack({ dataDir, logLevel: 'warn' });
});

test.afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('a function on a schedule, made in the form, runs on its tick and its activation says so', async ({ page }) => {
  test.setTimeout(240_000);
  await loginToPortal(page, stack.vcdUrl, 'admin@acme', 'acme-demo');
  await openPlugin(page, 'Serverless');
  await page.getByTestId('new-function').click();
  await page.getByTestId('function-name').fill('every-minute');
  await page.getByTestId('function-trigger').selectOption('schedule');
  await page.getByTestId('function-cron').fill('* * * * *');
  await page.getByTestId('function-timezone').fill('UTC');
  await expect(page.getByTestId('schedule-next-run')).toHaveCount(3);
  await expect(page.getByTestId('function-route')).toHaveCount(0);
  await page.screenshot({ path: 'e2e/screenshots/31-new-scheduled-function.png', fullPage: true });

  const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/org/acme/faas/functions'));
  await page.getByTestId('create-function').click();
  expect((await created).status()).toBe(202);
  await expect(page.getByTestId('function-schedule')).toContainText('* * * * *');

  await page.getByTestId('tab-activations').click();
  // The first tick comes within a minute, the backend looks for it every few seconds: refresh until it is there.
  await expect
    .poll(
      async () => {
        await page.getByTestId('activations-refresh').click();
        return page.getByTestId('activation-tick').count();
      },
      { timeout: 180_000, intervals: [5_000] },
    )
    .toBeGreaterThan(0);
  await expect(page.getByTestId('activation-trigger').first()).toContainText('Schedule');
  await page.screenshot({ path: 'e2e/screenshots/32-scheduled-run.png', fullPage: true });
});
