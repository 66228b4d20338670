import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedShowbackDemo } from '../scripts/demo-data';
import { startStack, type Stack } from '../scripts/stack';
import { loginToPortal, openPlugin } from './support/portal';

/**
 * Budget alerts that run a function (issue 15), in the real portal: on the demo data `npm start` seeds, a tenant admin
 * subscribes a function to showback/budget.threshold, sets a budget the demo month already exceeds, checks it; the
 * alert appears on the Budgets page with the function it ran, and that function's activation shows the alert.
 * Screenshots: e2e/screenshots/showback-alerts-NN-*.png.
 */

let stack: Stack;
let dataDir: string;

test.beforeAll(async () => {
  // The stack and the demo months on a shared 2-core machine.
  test.setTimeout(180_000);
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-e2e-showback-alerts-'));
  stack = await startStack({ dataDir, logLevel: 'warn' });
  expect(await seedShowbackDemo(stack)).toContain('acme');
});

test.afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `e2e/screenshots/showback-alerts-${name}.png`, fullPage: true });
}

/** Replaces the code in the CodeMirror editor as a user would: select all, then type. */
async function setCode(page: Page, code: string): Promise<void> {
  const editor = page.getByTestId('function-code-input');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
  await expect(editor).toContainText(code.split('\n')[0]);
}

const POWER_OFF = `module.exports = async (event) => {
  const a = event.alert;
  console.log('budget alert', a.budgetName, a.type, a.percent + '%', a.value, a.currency, event.eventId);
  return { statusCode: 200 };
};`;

test('a budget alert on the demo data appears in the plugin and runs the function subscribed to it', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 1400 });
  await loginToPortal(page, stack.vcdUrl, 'admin@acme', 'acme-demo');
  await openPlugin(page, 'Serverless');

  // A function subscribed to the new product event source, chosen in the New function form.
  await page.getByTestId('new-function').click();
  await page.getByTestId('function-name').fill('power-off-dev');
  await page.getByTestId('function-trigger').selectOption('event');
  await page.getByTestId('function-events').selectOption([{ label: 'showback/budget.threshold · a showback budget alert' }]);
  await setCode(page, POWER_OFF);
  await shot(page, '01-new-function');
  await page.getByTestId('create-function').click();
  await expect(page.getByTestId('function-event')).toHaveText(['showback/budget.threshold']);
  await expect(page.getByText(/^\s*ready\s*$/i).first()).toBeVisible({ timeout: 15_000 });

  // A budget of 1.00 a month: the demo month to date is far above its 80 % threshold.
  await page.getByTestId('nav-showback').click();
  await page.getByTestId('showback-budgets-link').click();
  await expect(page.getByTestId('showback-budgets')).toBeVisible();
  await page.getByTestId('budget-name-input').fill('dev-e2e');
  await page.getByTestId('budget-amount').fill('1');
  // One threshold (80 % actual), so one alert and one activation.
  await page.getByTestId('budget-forecast').fill('');
  await page.getByTestId('budget-function').fill('power-off-dev');
  await page.getByTestId('budget-create').click();
  await expect(page.locator('[data-test="budget"][data-budget="dev-e2e"]')).toBeVisible();

  await page.getByTestId('budgets-check').click();
  await expect(page.getByTestId('budgets-checked')).toBeVisible();
  const row = page.locator('[data-test="alert-row"]', { hasText: 'dev-e2e' }).first();
  await expect(row).toBeVisible();
  await expect(async () => {
    await page.getByTestId('budgets-refresh').click();
    await expect(row.getByTestId('alert-function')).toHaveText(['power-off-dev'], { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  const alertId = await row.getAttribute('data-alert');
  await shot(page, '02-alert');

  // The function's activation: trigger Event, its log line is the alert.
  await row.getByTestId('alert-function').click();
  await page.getByTestId('tab-activations').click();
  await expect(async () => {
    await page.getByTestId('activations-refresh').click();
    await expect(page.getByTestId('activation-trigger').first()).toHaveText('Event', { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await page.locator('[data-test="activation-row"] .datagrid-detail-caret-button').first().click();
  await expect(page.getByTestId('activation-logs')).toContainText('budget alert dev-e2e');
  await expect(page.getByTestId('activation-logs')).toContainText(alertId as string);
  await shot(page, '03-activation');
});
