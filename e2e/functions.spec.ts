import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_INFRA_IDS } from '../mock-vcd/infra/demo';
import { startStack, type Stack } from '../scripts/stack';
import { loginToPortal, openPlugin, portalToken } from './support/portal';

/**
 * The foundation's user path (issue 2): the real dist/plugin.zip, installed in the mock vCD by `npm start`'s own
 * code, driven in Debian's Chromium. Screenshots of each page land in e2e/screenshots/.
 */

let stack: Stack;
let portalUrl: string;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-e2e-'));
  // What `npm start` runs: mock vCD + backend, the real dist/plugin.zip uploaded and published, the extension registered.
  stack = await startStack({ dataDir, logLevel: 'warn' });
  portalUrl = stack.vcdUrl;
});

test.afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
}

/** Replaces the code in the CodeMirror editor as a user would: select all, then type (paste-like insert). */
async function setCode(page: Page, code: string): Promise<void> {
  const editor = page.getByTestId('function-code-input');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
  await expect(editor).toContainText(code.split('\n')[0]);
}

test.describe.configure({ mode: 'serial' });

test('a tenant admin creates hello, watches it become ready, invokes it, and curl gets the same answer', async ({ page, request }) => {
  await loginToPortal(page, portalUrl, 'admin@acme', 'acme-demo');
  await shot(page, '01-portal-home');
  await openPlugin(page, 'Serverless');
  await expect(page.getByTestId('functions-empty')).toBeVisible();
  await shot(page, '02-functions-empty');

  await page.getByTestId('new-function').click();
  await page.getByTestId('function-name').fill('hello');
  await page.getByTestId('function-route').fill('hello');
  await expect(page.getByTestId('function-code-input')).toContainText(/module\.exports/);
  await shot(page, '03-new-function');
  const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/org/acme/faas/functions'));
  await page.getByTestId('create-function').click();

  // The backend accepts the function at once (202, initializing) and builds it asynchronously; the page follows to ready.
  const answer = await created;
  expect(answer.status()).toBe(202);
  expect((await answer.json()).status).toBe('initializing');
  await expect(page.getByText(/^\s*ready\s*$/i).first()).toBeVisible({ timeout: 15_000 });
  await shot(page, '04-function-ready');

  // Creating opens the new function's page: its invoke button is right there.
  await expect(page.getByTestId('function-title')).toHaveText('hello');
  await page.getByTestId('invoke-function').click();
  await expect(page.getByTestId('invoke-status')).toContainText('200');
  await expect(page.getByTestId('invoke-body')).toContainText('Hello world');
  await shot(page, '05-invoke-result');

  const token = await portalToken(page);
  const viaVcd = await request.get(`${portalUrl}/api/org/acme/hello?name=curl`, { headers: { Authorization: `Bearer ${token}` } });
  expect(viaVcd.status()).toBe(200);
  expect(await viaVcd.json()).toEqual({ message: 'Hello curl' });

  await page.getByTestId('back-to-functions').click();
  await expect(page.getByTestId('function-row').filter({ hasText: 'hello' })).toContainText('/api/org/acme/hello');
  await shot(page, '06-functions-list');
});

test('a tenant admin edits hello in the code editor, saves version 2, tests it with logs and rolls back to version 1', async ({ page }) => {
  await loginToPortal(page, portalUrl, 'admin@acme', 'acme-demo');
  await openPlugin(page, 'Serverless');
  await page.getByTestId('function-link').filter({ hasText: 'hello' }).click();
  await expect(page.getByTestId('function-version')).toContainText('1');
  await expect(page.locator('[data-test="function-code"] .cm-lineNumbers')).toBeVisible();

  await setCode(
    page,
    "module.exports = async (event, context) => {\nconsole.log('greeting ' + event.query.name);\nreturn { statusCode: 200, body: { message: 'Bonjour ' + (event.query.name || 'monde') } };\n};\n",
  );
  await shot(page, '10-editor-edited');
  const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith('/api/org/acme/faas/functions/hello'));
  await page.getByTestId('save-function').click();
  expect((await saved).ok()).toBeTruthy();
  await expect(page.getByTestId('function-version')).toContainText('2', { timeout: 15_000 });
  await expect(page.getByTestId('function-status')).toHaveAttribute('data-status', 'ready', { timeout: 15_000 });

  await page.getByTestId('tab-test').click();
  await page.getByTestId('test-query').fill('name=e2e');
  await page.getByTestId('test-send').click();
  await expect(page.getByTestId('test-status')).toContainText('200');
  await expect(page.getByTestId('test-body-result')).toContainText('Bonjour e2e');
  await expect(page.getByTestId('test-logs')).toContainText('greeting e2e');
  await expect(page.getByTestId('test-duration')).toContainText('ms');
  await shot(page, '11-test-panel');

  await page.getByTestId('tab-activations').click();
  await expect(page.getByTestId('activation-row').first()).toBeVisible();
  await page.locator('[data-test="activation-row"] .datagrid-detail-caret-button').first().click();
  await expect(page.getByTestId('activation-logs')).toContainText('greeting e2e');
  await shot(page, '12-activations');

  await page.getByTestId('tab-versions').click();
  await expect(page.getByTestId('version-row')).toHaveCount(2);
  await page.locator('[data-test="version-row"][data-version="1"] [data-test="rollback"]').click();
  await page.getByTestId('confirm-rollback').click();
  await expect(page.getByTestId('function-version')).toContainText('1', { timeout: 15_000 });
  await shot(page, '13-rolled-back');
  await page.getByTestId('invoke-function').click();
  await expect(page.getByTestId('invoke-body')).toContainText('Hello world');

  // The portal's dark theme: the editor turns dark with it (readable light-on-dark code).
  await page.evaluate(() => localStorage.setItem('vcd.portal.theme', 'dark'));
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('cds-theme', 'dark');
  // The reload keeps the portal's session and the plugin's route: the same function page, now dark.
  await expect(page.getByTestId('function-title')).toHaveText('hello');
  const editor = page.locator('[data-test="function-code"] .cm-editor');
  await expect(editor).toBeVisible();
  const background = await editor.evaluate((e) => getComputedStyle(e).backgroundColor);
  const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number);
  expect((r + g + b) / 3, `editor background ${background}`).toBeLessThan(100);
  await shot(page, '14-editor-dark');
});

test('the form names what is wrong and the server refuses a route that is taken', async ({ page }) => {
  await loginToPortal(page, portalUrl, 'admin@acme', 'acme-demo');
  await openPlugin(page, 'Serverless');
  await page.getByTestId('new-function').click();
  await page.getByTestId('function-name').fill('Not_A_Label');
  await page.getByTestId('function-route').fill('hello');
  await page.getByTestId('function-route').blur();
  await expect(page.getByTestId('name-error')).toBeVisible();

  await page.getByTestId('function-name').fill('hello-again');
  await page.getByTestId('create-function').click();
  await expect(page.getByTestId('problem-alert')).toContainText(/route/i);
  await shot(page, '07-route-conflict');
});

test('code that does not parse ends failed with its line and column', async ({ page }) => {
  await loginToPortal(page, portalUrl, 'admin@acme', 'acme-demo');
  await openPlugin(page, 'Serverless');
  await page.getByTestId('new-function').click();
  await page.getByTestId('function-name').fill('broken');
  await page.getByTestId('function-route').fill('broken');
  await setCode(page, 'module.exports = async (event) => {\n  return { statusCode: 200, body: ( };\n');
  await page.getByTestId('create-function').click();
  await expect(page.getByTestId('function-error')).toContainText(/line 2/i, { timeout: 15_000 });
  // The editor marks the failing spot on line 2 (1-based) of the code.
  const marked = page.locator('[data-test="function-code"] .cm-line').nth(1).locator('.cm-lintRange-error');
  await expect(marked).toBeVisible();
  await shot(page, '08-function-failed');
});

test("a globex admin neither sees nor invokes acme's function", async ({ page, request }) => {
  await loginToPortal(page, portalUrl, 'admin@globex', 'globex-demo');
  await openPlugin(page, 'Serverless');
  await expect(page.getByTestId('functions-empty')).toBeVisible();
  await expect(page.getByText('hello')).toHaveCount(0);
  await shot(page, '09-globex-functions');

  const token = await portalToken(page);
  const auth = { Authorization: `Bearer ${token}` };
  const foreign = await request.get(`${portalUrl}/api/org/acme/hello`, { headers: auth });
  expect(foreign.status()).toBe(403);
  expect(foreign.headers()['content-type']).toContain('application/problem+json');
  const foreignList = await request.get(`${portalUrl}/api/org/acme/faas/functions`, { headers: auth });
  expect(foreignList.status()).toBe(403);
  const ownOrg = await request.get(`${portalUrl}/api/org/globex/hello`, { headers: auth });
  expect(ownOrg.status()).toBe(404);
});

test('a tenant admin subscribes a function to VM creation; creating a VM in vCD runs it and its activation shows the event', async ({ page, request }) => {
  await loginToPortal(page, portalUrl, 'admin@acme', 'acme-demo');
  await openPlugin(page, 'Serverless');
  await page.getByTestId('new-function').click();
  await page.getByTestId('function-name').fill('on-vm-create');
  await page.getByTestId('function-trigger').selectOption('event');
  await page.getByTestId('function-events').selectOption([{ label: 'vm/create' }]);
  await expect(page.getByTestId('function-code-input')).toContainText('vCD event');
  await shot(page, '10-new-event-function');
  await page.getByTestId('create-function').click();
  await expect(page.getByTestId('function-event')).toHaveText(['vm/create']);
  await expect(page.getByText(/^\s*ready\s*$/i).first()).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('invoke-function')).toHaveCount(0);

  // A VM is created in acme through vCD's API (recompose the demo vApp from its template), as any vCD client would.
  const token = await portalToken(page);
  const ids = DEMO_INFRA_IDS.acme;
  const recompose = await request.post(`${portalUrl}/api/vApp/vapp-${ids.vapp}/action/recomposeVApp`, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/*+json;version=37.0', 'Content-Type': 'application/vnd.vmware.vcloud.recomposeVAppParams+json' },
    data: { sourcedItem: [{ source: { href: `${portalUrl}/api/vAppTemplate/vm-${ids.templateVm}` }, vmGeneralParams: { name: 'web-e2e' } }] },
  });
  expect(recompose.status()).toBe(202);

  await page.getByTestId('tab-activations').click();
  await expect(async () => {
    await page.getByTestId('activations-refresh').click();
    await expect(page.getByTestId('activation-trigger').first()).toHaveText('Event', { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await page.locator('[data-test="activation-row"] .datagrid-detail-caret-button').first().click();
  await expect(page.getByTestId('activation-logs')).toContainText('vCD event com/vmware/vcloud/event/vm/create');
  await shot(page, '11-event-activation');
});
