import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type Stack } from '../scripts/stack';
import { loginToPortal, openPlugin, portal, portalToken } from './support/portal';

/**
 * Showback in the real portal (issue 4 item 5): a tenant admin adds the vRB-like billing endpoint of the mock as an
 * HTTP source on the Sources page, tests and runs it, and the dashboard shows the figures the API answers, in the
 * light and the dark theme. Screenshots: e2e/screenshots/showback-NN-*.png.
 */

let stack: Stack;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-e2e-showback-'));
  stack = await startStack({
    dataDir,
    logLevel: 'warn',
    // Port 9 stands for a billing host the provider allowed but that is down; vCD usage reads with the provider account.
    backend: { showbackHttpAllowedHosts: '127.0.0.1:9', showbackVcdUser: 'administrator@System', showbackVcdPassword: 'provider-demo' },
  });
});

test.afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test.describe.configure({ mode: 'serial' });

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `e2e/screenshots/showback-${name}.png`, fullPage: true });
}

/** Money as the portal's locale (en-US, the Angular default the mock portal keeps) shows it, from minor units. */
function money(minor: number, currency: string): string {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
  return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

test('a tenant admin adds the billing endpoint as a source, runs it, and the dashboard shows the figures of the API', async ({ page, request }) => {
  await page.setViewportSize({ width: 1440, height: 1500 });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
  await loginToPortal(page, stack.vcdUrl, 'admin@acme', 'acme-demo');
  await openPlugin(page, 'Serverless');
  await page.getByTestId('nav-showback').click();
  await expect(page.getByTestId('showback-dashboard')).toBeVisible();
  const token = await portalToken(page);
  const api = (route: string) => `${stack.vcdUrl}/api/org/acme/showback/${route}`;
  const auth = { Authorization: `Bearer ${token}`, Accept: 'application/json' };

  // Sources page: the HTTP source form, filled as a tenant admin would.
  await page.getByTestId('showback-sources-link').click();
  await expect(page.getByTestId('showback-sources')).toBeVisible();
  await page.getByTestId('add-http-source').click();
  await page.getByTestId('source-name').fill('vRB billing');
  await page.getByTestId('source-url').fill('ftp://nowhere');
  await page.getByTestId('source-submit').click();
  await expect(page.getByTestId('source-url-error')).toContainText('http:// or https://');
  await page.getByTestId('source-url').fill(`${stack.vcdUrl}/billing/api/v1/orgs/{org}/charges?from={from}&to={to}`);
  await page.getByTestId('source-auth-name').fill('Authorization');
  await page.getByTestId('source-auth-value').fill('Bearer demo-billing-token');
  await page.getByTestId('source-map-items').fill('items');
  for (const field of ['vappId', 'vappName', 'resourceId', 'resourceName', 'currency', 'quantity', 'unit']) await page.getByTestId(`source-map-${field}`).fill(field);
  await shot(page, '02-source-form');
  const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/showback/sources'));
  await page.getByTestId('source-submit').click();
  expect((await created).status()).toBe(201);
  const row = page.locator('[data-test="source-row"][data-source="vRB billing"]');
  await expect(row).toBeVisible();

  await row.getByTestId('source-test').click();
  await expect(row.getByTestId('source-test-result')).toContainText('Reachable');

  // Backfill the demo months through the API (the page's "Run now" covers the recent window), then run now in the page.
  const sources = (await (await request.get(api('sources'), { headers: auth })).json()) as { items: { id: string; name: string }[] };
  const source = sources.items.find((s) => s.name === 'vRB billing');
  expect(source, 'the created source is listed by the API').toBeTruthy();
  const backfill = await request.post(api(`sources/${source!.id}/run`), {
    headers: auth,
    data: { from: day(Date.now() - 200 * 86_400_000), to: day(Date.now()) },
  });
  expect(backfill.status()).toBe(200);
  expect((await backfill.json()).status).toBe('succeeded');

  await row.getByTestId('source-run').click();
  await expect(row.getByTestId('source-run-status')).toHaveAttribute('data-status', 'succeeded');
  await shot(page, '03-sources');

  // The dashboard: KPI cards carry exactly the API's figures in the portal's locale.
  const started = Date.now();
  await page.getByTestId('showback-dashboard-link').click();
  await expect(page.getByTestId('kpi-month-to-date')).toBeVisible();
  await expect(page.locator('[data-test="chart-monthly"] canvas')).toBeVisible();
  await expect(page.locator('[data-test="chart-daily"] canvas')).toBeVisible();
  await expect(page.locator('[data-test="chart-services"] canvas')).toBeVisible();
  console.log(`showback.dashboard_first_render_ms ${Date.now() - started}`);

  const summary = await (await request.get(api('summary'), { headers: auth })).json();
  expect(summary.monthToDate).toBeGreaterThan(0);
  const kpi = (name: string) => page.locator(`[data-test="kpi-${name}"] [data-test="kpi-value"]`);
  const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ').trim();
  expect(plain(await kpi('month-to-date').innerText())).toBe(money(summary.monthToDate, summary.currency));
  expect(plain(await kpi('forecast').innerText())).toBe(money(summary.forecast.value, summary.currency));
  expect(plain(await kpi('last-month').innerText())).toBe(money(summary.lastMonth, summary.currency));
  expect(plain(await page.getByTestId('kpi-band').innerText())).toBe(
    `Between ${money(summary.forecast.low, summary.currency)} and ${money(summary.forecast.high, summary.currency)}`,
  );
  // 200 days were backfilled, so last month has costs and the change against it is a number: the forecast's.
  expect(summary.lastMonth).toBeGreaterThan(0);
  expect(summary.changePct).toBe(Math.round(((summary.forecast.value - summary.lastMonth) / summary.lastMonth) * 1000) / 10);
  const change = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(summary.changePct / 100);
  expect(plain(await kpi('change').innerText())).toBe(change);

  // The top list is the API's breakdown by service for the month.
  const breakdown = await (await request.get(api(`breakdown?by=service&top=10&from=${day(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1))}`), { headers: auth })).json();
  const topCosts = await page.getByTestId('showback-top-cost').allInnerTexts();
  expect(topCosts.map(plain)).toEqual(breakdown.items.map((i: { cost: number }) => money(i.cost, breakdown.currency)));

  // CSV export: fetched with the token and handed to the browser as a file, the API's rows for the period.
  const download = page.waitForEvent('download');
  await page.getByTestId('showback-export').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^showback-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await file.path())!, 'utf8').trim().split(/\r?\n/);
  expect(csv[0]).toContain('BilledCost');
  expect(csv.length).toBeGreaterThan(1);

  await shot(page, '01-dashboard-light');
  await page.locator(portal.themeToggle).click();
  await expect(page.locator('body')).toHaveAttribute('cds-theme', 'dark');
  await page.waitForTimeout(300); // the charts redraw with the dark palette
  await shot(page, '01-dashboard-dark');
  await page.locator(portal.themeToggle).click();
  expect(pageErrors).toEqual([]);
});

test('an unreachable source fails with its reason on the Sources page and the dashboard warns that data may be incomplete', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 1500 });
  await loginToPortal(page, stack.vcdUrl, 'admin@acme', 'acme-demo');
  await openPlugin(page, 'Serverless');
  await page.getByTestId('nav-showback').click();
  await page.getByTestId('showback-sources-link').click();
  await page.getByTestId('add-http-source').click();
  await page.getByTestId('source-name').fill('Broken billing');
  // Port 9 (discard) on the loopback: nothing listens, the connection is refused.
  await page.getByTestId('source-url').fill('http://127.0.0.1:9/charges');
  await page.getByTestId('source-submit').click();
  const row = page.locator('[data-test="source-row"][data-source="Broken billing"]');
  await expect(row).toBeVisible();

  await row.getByTestId('source-run').click();
  await expect(row.getByTestId('source-run-status')).toHaveAttribute('data-status', 'failed');
  await expect(row.getByTestId('source-run-error')).not.toBeEmpty();
  await expect(row.getByTestId('source-stale')).toContainText('Data missing since');
  await shot(page, '04-sources-failed');

  await page.getByTestId('showback-dashboard-link').click();
  const stale = page.getByTestId('showback-stale');
  await expect(stale).toContainText('Data may be incomplete since');
  await expect(stale).toContainText('Broken billing');
  await expect(page.getByTestId('showback-data-as-of')).toBeVisible();
  await shot(page, '05-dashboard-stale');
});

test('a FOCUS file with a bad cost is refused naming its line and column; the corrected file is imported', async ({ page }) => {
  await loginToPortal(page, stack.vcdUrl, 'admin@globex', 'globex-demo');
  await openPlugin(page, 'Serverless');
  await page.getByTestId('nav-showback').click();
  await page.getByTestId('showback-sources-link').click();
  await expect(page.getByTestId('showback-sources')).toBeVisible();
  const header = 'BilledCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ServiceName,ResourceId,ResourceName';
  const start = new Date(Date.now() - 2 * 86_400_000);
  const end = new Date(start.getTime() + 86_400_000);
  const row = (cost: string, id: string) => `${cost},EUR,${start.toISOString()},${end.toISOString()},backup,${id},${id}`;
  const upload = (name: string, text: string) =>
    page.getByTestId('focus-upload').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

  await upload('bad.csv', [header, row('12.50', 'vol-1'), row('twelve', 'vol-2')].join('\n'));
  await expect(page.getByTestId('problem-field-errors')).toContainText('line 3, column BilledCost');

  await upload('good.csv', [header, row('12.50', 'vol-1'), row('7.25', 'vol-2')].join('\n'));
  await expect(page.getByTestId('focus-upload-result')).toContainText('Imported 2 rows');
  await shot(page, '06-focus-import');
});

test('the other org sees only its own showback sources', async ({ page, request }) => {
  await loginToPortal(page, stack.vcdUrl, 'admin@globex', 'globex-demo');
  await openPlugin(page, 'Serverless');
  await page.getByTestId('nav-showback').click();
  await page.getByTestId('showback-sources-link').click();
  await expect(page.getByTestId('showback-sources')).toBeVisible();
  await expect(page.locator('[data-test="source-row"][data-source="vRB billing"]')).toHaveCount(0);
  const token = await portalToken(page);
  const other = await request.get(`${stack.vcdUrl}/api/org/acme/showback/summary`, { headers: { Authorization: `Bearer ${token}` } });
  // Another org's path is refused as the tenant matrix refuses it: 403 problem+json, no figure of acme's in it.
  expect(other.status()).toBe(403);
  expect(other.headers()['content-type']).toMatch(/^application\/problem\+json/);
  const problem = await other.json();
  expect(problem.status).toBe(403);
  expect(JSON.stringify(problem)).not.toMatch(/monthToDate|forecast/);
});

test('the provider sets the rate card; a tenant adds vCD usage, backfills a day and reads the prices it is charged', async ({ page, request }) => {
  await page.setViewportSize({ width: 1440, height: 1500 });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  // The provider edits the card in the plugin.
  await loginToPortal(page, stack.vcdUrl, 'administrator@System', 'provider-demo');
  await openPlugin(page, 'Serverless');
  await page.getByTestId('nav-showback').click();
  await page.getByTestId('showback-ratecard-link').click();
  await expect(page.getByTestId('ratecard-form')).toBeVisible();
  await page.getByTestId('ratecard-ramGbHour').fill('-1');
  await page.getByTestId('ratecard-save').click();
  await expect(page.getByTestId('ratecard-ramGbHour-error')).toContainText('Enter a price of 0 or more');
  await page.getByTestId('ratecard-ramGbHour').fill('0.25');
  await page.getByTestId('ratecard-vcpuHour').fill('1.5');
  await page.getByTestId('ratecard-storageGbMonth').fill('72');
  const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith('/showback/ratecard'));
  await page.getByTestId('ratecard-save').click();
  expect((await saved).status()).toBe(200);
  await expect(page.getByTestId('ratecard-saved')).toBeVisible();
  await shot(page, '07-ratecard-provider');
  const providerToken = await portalToken(page);
  const card = await (await request.get(`${stack.vcdUrl}/api/org/System/showback/ratecard`, { headers: { Authorization: `Bearer ${providerToken}` } })).json();
  expect(card.rates).toMatchObject({ vcpuHour: 1.5, ramGbHour: 0.25, storageGbMonth: 72 });

  // A tenant admin adds vCD usage and backfills today: its VMs are priced with that card.
  await loginToPortal(page, stack.vcdUrl, 'admin@acme', 'acme-demo');
  await openPlugin(page, 'Serverless');
  await page.getByTestId('nav-showback').click();
  await page.getByTestId('showback-sources-link').click();
  await page.getByTestId('add-vcd-source').click();
  const row = page.locator('[data-test="source-row"][data-source="vCD usage"]');
  await expect(row).toContainText('vCD usage');
  await expect(page.getByTestId('add-vcd-source')).toBeDisabled();
  const id = await (async () => {
    const token = await portalToken(page);
    const list = await (await request.get(`${stack.vcdUrl}/api/org/acme/showback/sources`, { headers: { Authorization: `Bearer ${token}` } })).json();
    return (list.items as { id: string; kind: string }[]).find((s) => s.kind === 'vcd')!.id;
  })();
  const today = day(Date.now());
  await page.getByTestId('backfill-source').selectOption(id);
  await page.getByTestId('backfill-from').fill(today);
  await page.getByTestId('backfill-to').fill(today);
  await page.getByTestId('backfill-submit').click();
  await expect(page.getByTestId('backfill-result')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('backfill-result')).toContainText('Backfill finished');
  await expect(row.getByTestId('source-run-status')).toHaveAttribute('data-status', 'succeeded');
  await shot(page, '08-sources-vcd-backfill');

  const token = await portalToken(page);
  const byVm = await (await request.get(`${stack.vcdUrl}/api/org/acme/showback/breakdown?by=vm&from=${today}&to=${today}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  // One hour of each demo VM (2 vCPU, 2 GB) at 1.50 per vCPU-hour and 0.25 per GB-hour: 3.50.
  expect(byVm.items.map((i: { name: string; cost: number }) => [i.name, i.cost]).sort()).toEqual([['web-01', 350], ['web-02', 350]]);

  // The tenant reads the card: the prices its org is charged, nothing to edit.
  await page.getByTestId('showback-ratecard-link').click();
  await expect(page.getByTestId('ratecard-table')).toBeVisible();
  await expect(page.getByTestId('ratecard-form')).toHaveCount(0);
  await expect(page.locator('[data-test="ratecard-row"][data-rate="vcpuHour"] [data-test="ratecard-price"]')).toHaveText('€1.50');
  await shot(page, '09-ratecard-tenant');
  await page.locator(portal.themeToggle).click();
  await expect(page.locator('body')).toHaveAttribute('cds-theme', 'dark');
  await shot(page, '09-ratecard-tenant-dark');
  await page.locator(portal.themeToggle).click();
  expect(pageErrors).toEqual([]);
});
