import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_INFRA_IDS } from '../mock-vcd/infra/demo';
import { startStack, type Stack } from '../scripts/stack';
import { loginToPortal, openPlugin, portal } from './support/portal';

/**
 * The provider's side (issue 18): the provider logs in, the plugin opens on the tenants overview with acme
 * and globex and their month's cost, and opens acme's functions acting on acme (banner, way back); then it lowers
 * acme's memory limit on the Limits page, acme's next function over it is refused naming the limit, and the
 * change shows in the audit log.
 * Screenshots: e2e/screenshots/provider-NN-*.png.
 */

let stack: Stack;
let dataDir: string;
const today = () => new Date().toISOString().slice(0, 10);
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
/** Each org's cost today, in cents: different per org so a swapped row shows. */
const COST = { acme: 4321, globex: 98765 } as const;
const CALLS = 3;

async function tokenOf(user: string, password: string): Promise<string> {
  const res = await fetch(`${stack.vcdUrl}/cloudapi/1.0.0/sessions`, {
    method: 'POST',
    headers: { Accept: 'application/json;version=37.0', Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
  });
  expect(res.status).toBe(200);
  return res.headers.get('x-vmware-vcloud-access-token') as string;
}

/** What a tenant does on its own: a FOCUS file with today's cost, and (acme) a function. */
async function seed(org: 'acme' | 'globex', token: string): Promise<void> {
  const auth = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
  const csv = ['BilledCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ServiceName,ResourceId,ResourceName', `${(COST[org] / 100).toFixed(2)},EUR,${today()}T00:00:00Z,${tomorrow()}T00:00:00Z,compute,vm-1,web-01`].join('\n');
  const imported = await fetch(`${stack.vcdUrl}/api/org/${org}/showback/imports`, { method: 'POST', headers: { ...auth, 'Content-Type': 'text/csv' }, body: csv });
  expect(imported.status).toBe(201);
  if (org !== 'acme') return;
  const fn = { name: 'greeter', runtime: 'nodejs20', code: 'module.exports = async () => ({ statusCode: 200, body: "hi" });', trigger: { type: 'http', route: 'greeter' } };
  const created = await fetch(`${stack.vcdUrl}/api/org/acme/faas/functions`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(fn) });
  expect(created.status).toBe(202);
  await expect.poll(async () => (await (await fetch(`${stack.vcdUrl}/api/org/acme/faas/functions/greeter`, { headers: auth })).json()).status).toBe('ready');
  for (let i = 0; i < CALLS; i++) expect((await fetch(`${stack.vcdUrl}/api/org/acme/greeter`, { headers: auth })).status).toBe(200);
  // A stale billing source (port 9: allowed, down) and a rule with a decision, so every column has something to show.
  const source = { kind: 'http', name: 'vRB billing', schedule: '0 3 * * *', config: { url: 'http://127.0.0.1:9/charges?from={from}' } };
  const added = await (await fetch(`${stack.vcdUrl}/api/org/acme/showback/sources`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(source) })).json();
  await fetch(`${stack.vcdUrl}/api/org/acme/showback/sources/${added.id}/run`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{}' });
  const ids = DEMO_INFRA_IDS.acme;
  const rule = {
    name: 'web', vAppId: `urn:vcloud:vapp:${ids.vapp}`, templateId: `urn:vcloud:vapptemplate:${ids.template}`, edgeGatewayId: `urn:vcloud:gateway:${ids.edge}`,
    lbPoolName: 'web-pool', scaleOut: { cpuPercent: 70, memoryPercent: 80 }, scaleIn: { cpuPercent: 20, memoryPercent: 30 },
  };
  expect((await fetch(`${stack.vcdUrl}/api/org/acme/autoscale/rules`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(rule) })).status).toBe(201);
  const alert = { alertId: 'e2e-1', alertName: 'CPU', status: 'ACTIVE', criticality: 'ALERT_CRITICALITY_LEVEL_WARNING', resourceId: 'g', resourceName: 'web', resourceKind: 'Environment', adapterKind: 'VMWARE', startDate: Date.now() };
  expect((await fetch(`${stack.vcdUrl}/api/org/acme/autoscale/alerts`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(alert) })).status).toBe(201);
}

function money(minor: number): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR' }).format(minor / 100);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `e2e/screenshots/provider-${name}.png`, fullPage: true });
}

/** The page in the light theme and, toggled, the dark one; back to light afterwards. */
async function shotBothThemes(page: Page, name: string): Promise<void> {
  await shot(page, name);
  await page.locator(portal.themeToggle).click();
  await expect(page.locator('body')).toHaveAttribute('cds-theme', 'dark');
  await shot(page, `${name}-dark`);
  await page.locator(portal.themeToggle).click();
}

test.beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-e2e-provider-'));
  stack = await startStack({ dataDir, logLevel: 'warn', backend: { showbackHttpAllowedHosts: '127.0.0.1:9', showbackRetryBaseMs: 600_000 } });
  await seed('acme', await tokenOf('admin@acme', 'acme-demo'));
  await seed('globex', await tokenOf('admin@globex', 'globex-demo'));
});

test.afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the provider sees every tenant with its month\'s cost and opens acme\'s functions acting on acme', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await loginToPortal(page, stack.vcdUrl, 'administrator@System', 'provider-demo');
  await openPlugin(page, 'Serverless');
  await page.waitForURL(/\/provider\/plugins\/serverless\/tenants$/);
  await expect(page.getByTestId('nav-tenants')).toHaveClass(/active/);

  const acme = page.locator('[data-test="tenant-row"][data-test-org="acme"]');
  const globex = page.locator('[data-test="tenant-row"][data-test-org="globex"]');
  await expect(acme.getByTestId('tenant-mtd')).toHaveText(money(COST.acme));
  await expect(globex.getByTestId('tenant-mtd')).toHaveText(money(COST.globex));
  await expect(acme.getByTestId('tenant-ready')).toHaveText('1 ready');
  await expect(acme.getByTestId('tenant-calls')).toHaveText(String(CALLS));
  await expect(acme.getByTestId('tenant-stale')).toHaveText('vRB billing');
  await expect(acme.getByTestId('tenant-decision')).toContainText('web:');
  await expect(globex.getByTestId('tenant-calls')).toHaveText('0');
  await expect(page.locator('[data-test="tenant-row"][data-test-org="System"]')).toHaveCount(0);
  await shotBothThemes(page, '01-tenants');

  // Acting on acme: the tenant's own functions page, with the banner; the API calls name acme.
  const listed = page.waitForResponse((r) => r.url().includes('/api/org/acme/faas/functions'));
  await acme.getByTestId('tenant-link').click();
  await page.waitForURL(/\/provider\/plugins\/serverless\/orgs\/acme\/functions$/);
  expect((await listed).status()).toBe(200);
  await expect(page.getByTestId('acting-org')).toContainText('Acting on organization acme');
  await expect(page.locator('[data-test="function-row"][data-test-function="greeter"]')).toBeVisible();
  await expect(page.getByTestId('function-url')).toHaveText('/api/org/acme/greeter');
  await shotBothThemes(page, '02-acting-acme-functions');

  // The same frame's showback page is acme's; the way back leads to the overview.
  await page.getByTestId('acting-showback').click();
  await expect(page.getByTestId('showback-dashboard')).toBeVisible();
  await page.getByTestId('acting-back').click();
  await page.waitForURL(/\/tenants$/);
  await expect(page.getByTestId('acting-banner')).toHaveCount(0);
  await expect(acme).toBeVisible();
  expect(pageErrors).toEqual([]);
});

test('the provider lowers acme\'s memory limit and acme\'s next function over it is refused, naming the limit', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await loginToPortal(page, stack.vcdUrl, 'administrator@System', 'provider-demo');
  await openPlugin(page, 'Serverless');
  await page.getByTestId('nav-provider-limits').click();
  await page.waitForURL(/\/provider\/plugins\/serverless\/provider-limits$/);
  await expect(page.getByTestId('default-limits').getByTestId('limit-memoryMb')).toHaveValue('128');
  await shotBothThemes(page, '03-limits');

  await page.getByTestId('limits-org-input').fill('acme');
  await page.getByTestId('limits-org-open').click();
  const form = page.getByTestId('org-limits-form');
  await expect(form.getByTestId('limit-memoryMb')).toHaveValue('128');
  await form.getByTestId('limit-memoryMb').fill('64');
  const saved = page.waitForResponse((r) => r.url().endsWith('/provider/limits/orgs/acme') && r.request().method() === 'PUT');
  await page.getByTestId('org-limits-form-save').click();
  expect((await saved).status()).toBe(200);
  await expect(page.getByTestId('limits-saved')).toContainText('The limits of acme are saved.');
  await expect(page.locator('[data-test="override-row"][data-test-org="acme"]')).toContainText('Memory per call (MB): 64');
  await shot(page, '04-limits-acme');

  // acme's next function asks for 128 MB: refused, naming the limit, its value and who set it.
  const token = await tokenOf('admin@acme', 'acme-demo');
  const fn = { name: 'hungry', runtime: 'nodejs20', code: 'module.exports = async () => ({ statusCode: 200, body: "hi" });', trigger: { type: 'http', route: 'hungry' }, limits: { memoryMb: 128 } };
  const refused = await fetch(`${stack.vcdUrl}/api/org/acme/faas/functions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(fn),
  });
  expect(refused.status).toBe(400);
  expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect((await refused.json()).detail).toContain("memoryMb 128 is over this org's limit of 64 MB set by the provider");

  // The change is in the audit log: who, which org, before and after.
  await page.getByTestId('nav-audit').click();
  await page.waitForURL(/\/provider\/plugins\/serverless\/audit$/);
  const change = page.locator('[data-test="audit-row"][data-test-kind="limits"][data-test-org="acme"]');
  await expect(change.getByTestId('audit-who')).toHaveText('administrator@System (provider)');
  await expect(change.getByTestId('audit-change')).toHaveText('{} → {"memoryMb":64}');
  await shotBothThemes(page, '05-audit');
  expect(pageErrors).toEqual([]);
});
