import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type Stack } from '../scripts/stack';
import { loginToPortal, openPlugin, portal, portalToken } from './support/portal';

/**
 * Autoscale in the real portal (issue 5 item 7): a tenant admin creates a rule with the wizard from the org's real
 * vApp, template, edge gateway and pool, finds it in the datagrid, opens it, asks for a dry run and reads the reason;
 * the provider raises the vApp's load with the mock portal's control and the tenant watches the VM count grow
 * (the backend's metric poller evaluates the rule, as it does without vROps). Screenshots: e2e/screenshots/autoscale-NN-*.png.
 */

let stack: Stack;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-e2e-autoscale-'));
  stack = await startStack({
    dataDir,
    logLevel: 'warn',
    // The backend's own vCD session polls VM metrics (no vROps alerts); the stack's mock vROps keeps the custom groups.
    backend: { autoscaleVcdUser: 'administrator@System', autoscaleVcdPassword: 'provider-demo' },
  });
});

test.afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `e2e/screenshots/autoscale-${name}.png`, fullPage: true });
}

const wizardPage = (page: Page, name: string) => page.getByTestId(`wizard-page-${name}`);

async function fillWizard(page: Page, name: string, vropsGroup?: string): Promise<void> {
  await page.getByTestId('new-rule').click();
  const wizard = page.getByTestId('rule-wizard');
  await expect(wizardPage(page, 'target')).toBeVisible();
  await page.getByTestId('rule-name').fill(name);
  // The pickers list the org's real objects, read from vCD with the tenant's session.
  await expect(page.getByTestId('pick-vapp').locator('option', { hasText: 'web — 2 VMs (acme-vdc)' })).toHaveCount(1);
  await page.getByTestId('pick-vapp').selectOption({ label: 'web — 2 VMs (acme-vdc)' });
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(wizardPage(page, 'template')).toBeVisible();
  await page.getByTestId('pick-template').selectOption({ label: 'web-template — 1 VM' });
  await wizard.getByRole('button', { name: 'Next' }).click();
  await page.getByTestId('pick-edge').selectOption({ label: 'acme-edge' });
  await expect(page.getByTestId('pick-pool').locator('option', { hasText: 'web-pool — 2 members' })).toHaveCount(1);
  await page.getByTestId('pick-pool').selectOption({ label: 'web-pool — 2 members' });
  if (vropsGroup) {
    // The vROps custom group the rule keeps its VMs in (the mock vROps's suite-api): made here, empty, and picked.
    await page.getByTestId('new-vrops-group').fill(vropsGroup);
    await page.getByTestId('create-vrops-group').click();
    await expect(page.getByTestId('pick-vrops-group').locator('option:checked')).toHaveText(`${vropsGroup} — 0 members`);
  }
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(wizardPage(page, 'thresholds')).toBeVisible();
}

/** The org's hook function (issue 14 item 5): logs the VM it was asked about and lets it join the pool. */
const WARM_UP = `module.exports = async (event) => {
  console.log('warming ' + event.vm.name + ' of ' + event.vApp.name + ' (' + event.phase + ')');
  return { statusCode: 200, body: { action: 'continue' } };
};`;

test('a tenant admin creates a rule with the wizard, dry-runs it, and sees the VM count grow under load', async ({ page, browser, request }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 1100 });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await loginToPortal(page, stack.vcdUrl, 'admin@acme', 'acme-demo');
  await openPlugin(page, 'Serverless');
  await page.getByTestId('nav-autoscale').click();
  await expect(page.getByTestId('rules-empty')).toBeVisible();
  // The function the rule's lifecycle hook calls, made through the API as any client of the org would.
  const token = await portalToken(page);
  const made = await request.post(`${stack.vcdUrl}/api/org/acme/faas/functions`, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    data: { name: 'warm-up', runtime: 'nodejs20', code: WARM_UP, trigger: { type: 'http', route: 'warm-up' } },
  });
  expect(made.status()).toBe(202);

  await fillWizard(page, 'web-autoscale', 'web-tier');
  const wizard = page.getByTestId('rule-wizard');
  // Client checks mirror the server's: a scale-in threshold not below the scale-out one blocks Next.
  await page.getByTestId('rule-scaleInCpu').fill('80');
  await page.getByTestId('rule-scaleInCpu').blur();
  await expect(page.getByTestId('scaleInCpu-order-error')).toBeVisible();
  await shot(page, '01-wizard-thresholds-invalid');
  await expect(wizard.getByRole('button', { name: 'Next' })).toBeDisabled();
  await page.getByTestId('rule-scaleInCpu').fill('10');
  await page.getByTestId('rule-scaleInMemory').fill('20');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(wizardPage(page, 'limits')).toBeVisible();
  await page.getByTestId('rule-maxVms').fill('4');
  await page.getByTestId('rule-evaluationSeconds').fill('2');
  await page.getByTestId('rule-cooldownSeconds').fill('0');
  await wizard.getByRole('button', { name: 'Next' }).click();
  // Lifecycle hooks: the org's function decides before a new VM joins the pool.
  await expect(wizardPage(page, 'hooks')).toBeVisible();
  await page.getByTestId('hook-afterPowerOn-function').fill('warm-up');
  await page.getByTestId('hook-afterPowerOn-timeout').fill('20');
  await shot(page, '02a-wizard-hooks');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(wizardPage(page, 'schedules')).toBeVisible();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByTestId('review-hook-afterPowerOn')).toContainText('warm-up, waits 20 s, then Abandon');
  await expect(page.getByTestId('wizard-review')).toContainText('web-autoscale');
  await expect(page.getByTestId('wizard-review')).toContainText('acme-edge / web-pool');
  await shot(page, '02-wizard-review');
  await page.getByTestId('wizard-finish').click();
  await expect(wizard.locator('.modal')).toHaveCount(0);

  // The datagrid: the new rule with its vApp, status and the vApp's VM count now.
  const row = page.locator('[data-test="rule-row"][data-test-rule="web-autoscale"]');
  await expect(row.getByTestId('rule-vapp')).toHaveText('web');
  await expect(row.getByTestId('rule-status')).toHaveText('Enabled');
  await expect(row.getByTestId('rule-vms')).toHaveText('2 (min 1, max 4)');
  await shot(page, '03-rules');

  // A second rule for the same vApp: the backend's 409 shows in the wizard, naming the field.
  await fillWizard(page, 'second');
  // Thresholds → limits → hooks → schedule → review.
  for (let page_ = 0; page_ < 4; page_++) await wizard.getByRole('button', { name: 'Next' }).click();
  await page.getByTestId('wizard-finish').click();
  await expect(page.getByTestId('wizard-problem').getByTestId('problem-detail')).toContainText('the vApp already has the autoscale rule "web-autoscale"');
  await expect(page.getByTestId('problem-field-errors')).toContainText('vAppId');
  await shot(page, '04-wizard-conflict');
  await wizard.getByRole('button', { name: 'Cancel' }).click();

  // Detail and dry run: what the rule would do now, and why.
  await row.getByTestId('rule-link').click();
  await expect(page.getByTestId('rule-title')).toHaveText('web-autoscale');
  await page.getByTestId('dry-run-button').click();
  await expect(page.getByTestId('dry-run-verdict')).toHaveText('Now this rule would do nothing: it keeps 2 VMs.');
  await expect(page.getByTestId('dry-run-reason')).toContainText('between the scale-in and scale-out thresholds');
  await expect(page.getByTestId('dry-run-metrics')).toContainText('over 2 powered-on VMs');
  await shot(page, '05-detail-dry-run');

  // The provider raises the vApp's load with the mock portal's control (a second browser session).
  const providerContext = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const admin = await providerContext.newPage();
  await loginToPortal(admin, stack.vcdUrl, 'administrator@System', 'provider-demo');
  await admin.getByTestId('nav-mock-controls').click();
  const acmeWeb = admin.locator('[data-test="mock-vapp"][data-test-vapp="acme/web"]');
  await expect(acmeWeb.getByTestId('mock-vm')).toHaveCount(2);
  await acmeWeb.getByTestId('mock-load-input').fill('300');
  await acmeWeb.getByTestId('mock-load-set').click();
  await expect(admin.getByTestId('mock-saved')).toContainText('Load of web set to 300');
  await shot(admin, '06-mock-controls');

  // The poller sees the load, scales out step by step; the tenant's detail page re-reads the VM count.
  await expect(page.getByTestId('rule-vms')).toHaveText(/^[34] \(min 1, max 4\)$/, { timeout: 60_000 });
  await expect(page.locator('[data-test="rule-event"][data-kind="result"]').first()).toBeVisible();
  await page.getByTestId('dry-run-button').click();
  await expect(page.getByTestId('dry-run-verdict')).not.toHaveText('Now this rule would do nothing: it keeps 2 VMs.');
  await expect(acmeWeb.getByTestId('mock-vm')).not.toHaveCount(2, { timeout: 10_000 });
  await expect(page.getByTestId('rule-last-decision')).not.toBeEmpty();
  // Faults through the same control: the next recompose fails (the executor journals it), then they are cleared.
  await admin.getByTestId('mock-fail-recompose').fill('1');
  await admin.getByTestId('mock-delay-any').fill('50');
  await admin.getByTestId('mock-faults-apply').click();
  await expect(admin.getByTestId('mock-faults-now')).toContainText('"recompose": 1');
  await expect(admin.getByTestId('mock-faults-now')).toContainText('"any": 50');
  await shot(admin, '07-mock-controls-scaled');
  await admin.getByTestId('mock-faults-clear').click();
  await expect(admin.getByTestId('mock-faults-now')).toHaveText('Now: fail next {}, delays {}');
  await shot(page, '08-detail-scaled');

  // Dark theme: the detail page stays readable.
  await page.locator(portal.themeToggle).click();
  await expect(page.locator('body')).toHaveAttribute('cds-theme', 'dark');
  await page.waitForTimeout(300); // the chart redraws with the dark palette
  await shot(page, '09-detail-dark');
  await page.locator(portal.themeToggle).click();

  // Back in the list, the grid shows the grown vApp and the rule's last decision.
  await page.getByTestId('back-to-rules').click();
  await expect(row.getByTestId('rule-vms')).toHaveText('4 (min 1, max 4)', { timeout: 30_000 });
  await expect(row.getByTestId('decision-action')).toBeVisible();
  await shot(page, '10-rules-scaled');

  // The hook ran for the new VM: its function's activation (trigger "Autoscale hook") logged the VM's name.
  await page.getByTestId('nav-functions').click();
  await page.getByTestId('function-link').filter({ hasText: 'warm-up' }).click();
  await page.getByTestId('tab-activations').click();
  await expect(page.getByTestId('activation-trigger').first()).toHaveText('Autoscale hook');
  await page.locator('[data-test="activation-row"] .datagrid-detail-caret-button').first().click();
  await expect(page.getByTestId('activation-logs')).toContainText(/warming web-as-\d+ of web \(afterPowerOn\)/);
  await shot(page, '10a-hook-activation');

  await providerContext.close();
  expect(pageErrors).toEqual([]);
});

test('a tenant admin edits the rule in the wizard, backtests the draft on the review page, and reads the change in its history', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 1100 });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await loginToPortal(page, stack.vcdUrl, 'admin@acme', 'acme-demo');
  await openPlugin(page, 'Serverless');
  await page.getByTestId('nav-autoscale').click();
  await page.locator('[data-test="rule-row"][data-test-rule="web-autoscale"]').getByTestId('rule-link').click();
  await expect(page.getByTestId('rule-title')).toHaveText('web-autoscale');

  // Edit: the same wizard, every page prefilled with the rule.
  await page.getByTestId('edit-rule').click();
  const wizard = page.getByTestId('rule-wizard');
  await expect(page.getByTestId('wizard-title')).toContainText('Edit autoscale rule web-autoscale');
  await expect(page.getByTestId('rule-name')).toHaveValue('web-autoscale');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByTestId('pick-pool')).toHaveValue('web-pool');
  // The scale out of the first test put the new VMs in the rule's vROps group: it holds the vApp's four VMs.
  await expect(page.getByTestId('pick-vrops-group').locator('option:checked')).toHaveText('web-tier — 4 members');
  await shot(page, '11a-wizard-vrops-group');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByTestId('rule-scaleInCpu')).toHaveValue('10');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByTestId('rule-maxVms')).toHaveValue('4');
  await page.getByTestId('rule-maxVms').fill('6');
  await page.getByTestId('rule-cooldownSeconds').fill('300');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByTestId('hook-afterPowerOn-function')).toHaveValue('warm-up');
  await wizard.getByRole('button', { name: 'Next' }).click();
  // Schedule (issue 14 item 3): a window that keeps at least two VMs during Berlin's office hours on weekdays.
  await expect(page.getByTestId('schedules-none')).toBeVisible();
  await page.getByTestId('schedule-add').click();
  await page.getByTestId('schedule-0-cron').fill('0 8 * * 1-5');
  await page.getByTestId('schedule-0-timezone').fill('Europe/Berlin');
  await page.getByTestId('schedule-0-duration').fill('600');
  await page.getByTestId('schedule-0-min').fill('2');
  await shot(page, '11b-wizard-schedule');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByTestId('wizard-review')).toContainText('1 to 6 VMs');
  await expect(page.getByTestId('review-schedule-0')).toHaveText('Mon–Fri 08:00–18:00 Europe/Berlin: at least 2 VMs');

  // Backtest the draft over the mock's week of demo history before saving it.
  await page.getByTestId('backtest-days').selectOption({ label: '7 days' });
  await page.getByTestId('backtest-run').click();
  await expect(page.getByTestId('backtest-vm-hours')).toContainText('with this rule');
  await expect(page.getByTestId('backtest-actions')).toContainText('scale out');
  await page.getByTestId('backtest-chart').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('backtest-chart').locator('canvas')).toBeVisible();
  await shot(page, '11-wizard-backtest');

  await page.getByTestId('wizard-finish').click();
  await expect(wizard.locator('.modal')).toHaveCount(0);
  await expect(page.getByTestId('rule-limits')).toHaveText('1 to 6 VMs, 1 per step');
  const change = page.locator('[data-test="rule-change"][data-action="update"]').first();
  await expect(change.getByTestId('rule-change-who')).toContainText('Changed by admin (acme)');
  await expect(change.getByTestId('rule-change-field')).toHaveText(['maxVms: 4 → 6', 'cooldownSeconds: 0 → 300', /^schedules\.0: – → .*"0 8 \* \* 1-5"/]);
  await shot(page, '12-detail-history');

  // A second edit right after the first opens the same wizard again, every page there and prefilled.
  await page.getByTestId('edit-rule').click();
  await expect(page.getByTestId('wizard-title')).toContainText('Edit autoscale rule web-autoscale');
  await expect(page.getByTestId('rule-name')).toHaveValue('web-autoscale');
  await wizard.getByRole('button', { name: 'Cancel' }).click();
  await expect(wizard.locator('.modal')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});
