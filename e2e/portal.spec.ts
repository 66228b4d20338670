import path from 'node:path';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import AdmZip from 'adm-zip';
import { type Page, expect, test } from '@playwright/test';
import { type RunningMockVcd, startMockVcd } from '../mock-vcd/main';
import { installUiPlugin, loginAsProvider } from '../bin/lib/vcd-provider';
import { FIXTURE_PLUGIN_NAME, writeFixturePluginZip } from '../mock-vcd/portal/testing/fixture-plugin';
import { loginToPortal, logoutOfPortal, openPlugin, portal, submitLogin } from './support/portal';

/** The portal host on its own: the mock vCD with the hand-written fixture plugin (no backend needed). */
const root = path.resolve(__dirname, '..');
const screenshots = path.join(__dirname, 'screenshots');
let mock: RunningMockVcd;

async function zipWithBundle(name: string, route: string, bundle: string): Promise<string> {
  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(JSON.stringify({ urn: `vmware:vcloud:plugin:${route}`, name, containerVersion: '9.5.0',
    version: '1.0.0', scope: ['tenant'], permissions: [], description: `${name} plugin`, vendor: 'tests', license: 'Apache-2.0',
    link: 'https://example.invalid', module: 'PluginModule', route })));
  zip.addFile('i18n.json', Buffer.from('{"en":{}}'));
  zip.addFile('bundle.js', Buffer.from(bundle));
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'portal-e2e-')), 'plugin.zip');
  await writeFile(file, zip.toBuffer());
  return file;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, name), fullPage: true });

test.beforeAll(async () => {
  mock = await startMockVcd({ port: 0, portalDir: path.join(root, 'dist/portal/browser') });
  const provider = await loginAsProvider({ vcdUrl: mock.url, user: 'administrator@System', password: 'provider-demo' });
  await installUiPlugin(provider, { zipPath: await writeFixturePluginZip() });
  const needsNgrx = `define("PluginModule", ["@angular/core", "@ngrx/store"], function () { return {}; });`;
  await installUiPlugin(provider, { zipPath: await zipWithBundle('Needs NgRx', 'needs-ngrx', needsNgrx) });
});

test.afterAll(async () => {
  await mock?.close();
});

test('a tenant admin logs in, opens a plugin from the navigation and it runs with the org context', async ({ page }) => {
  await page.goto(`${mock.url}/login`);
  await shot(page, 'portal-login.png');
  await loginToPortal(page, mock.url, 'admin@acme', 'acme-demo');
  await expect(page).toHaveURL(/\/tenant\/acme$/);
  await expect(page.locator(portal.headerOrg)).toContainText('acme');
  await expect(page.locator(portal.homeTitle)).toContainText('acme');
  await shot(page, 'portal-home.png');

  await openPlugin(page, FIXTURE_PLUGIN_NAME);
  await expect(page).toHaveURL(/\/tenant\/acme\/plugins\/fixture$/);
  await expect(page.getByTestId('fixture-alert')).toContainText('running inside the portal');
  await expect(page.getByTestId('fixture-org')).toHaveText('Organization: acme (tenant)');
  await expect(page.getByTestId('fixture-route')).toHaveText('Route: tenant/acme/plugins/fixture');
  // The token holder the portal provides authenticates the plugin's own vCD call.
  await expect(page.getByTestId('fixture-user')).toHaveText('User: admin@acme');
  await shot(page, 'portal-fixture-plugin.png');
});

test('a wrong password shows an error and no portal', async ({ page }) => {
  await submitLogin(page, mock.url, 'admin@acme', 'not-the-password');
  await expect(page.locator(portal.loginError)).toContainText('Incorrect');
  await expect(page.locator(portal.shell)).toHaveCount(0);
  await shot(page, 'portal-login-error.png');
});

test('the provider logs in with user and organization fields and lands in the provider portal', async ({ page }) => {
  await page.goto(`${mock.url}/login`);
  await page.locator(portal.loginUsername).fill('administrator');
  await page.locator(portal.loginOrg).fill('System');
  await page.locator(portal.loginPassword).fill('provider-demo');
  await page.locator(portal.loginSubmit).click();
  await expect(page).toHaveURL(/\/provider$/);
  await openPlugin(page, FIXTURE_PLUGIN_NAME);
  await expect(page).toHaveURL(/\/provider\/plugins\/fixture$/);
  await expect(page.getByTestId('fixture-org')).toHaveText('Organization: System (service-provider)');
});

test('the provider opens an org from the provider home and its plugins get that org', async ({ page }) => {
  await loginToPortal(page, mock.url, 'administrator@System', 'provider-demo');
  await page.getByTestId('home-org-acme').click();
  await expect(page).toHaveURL(/\/tenant\/acme$/);
  await openPlugin(page, FIXTURE_PLUGIN_NAME);
  await expect(page.getByTestId('fixture-org')).toHaveText('Organization: acme (tenant)');
  await expect(page.getByTestId('fixture-org-id')).toHaveText(/^Org id: urn:vcloud:org:/);
  await expect(page.getByTestId('fixture-user')).toHaveText('User: administrator@System');
});

test('a plugin that needs a module the portal does not share fails with an error naming the module', async ({ page }) => {
  await loginToPortal(page, mock.url, 'admin@globex', 'globex-demo');
  await page.locator(portal.nav).getByRole('link', { name: 'Needs NgRx', exact: true }).click();
  await expect(page.locator(portal.pluginLoadError)).toContainText('"@ngrx/store"');
});

test('a tenant admin who opens another org in the URL is taken to their own org', async ({ page }) => {
  await loginToPortal(page, mock.url, 'admin@globex', 'globex-demo');
  await page.goto(`${mock.url}/tenant/acme/plugins/fixture`);
  await expect(page).toHaveURL(/\/tenant\/globex$/);
  await expect(page.locator(portal.headerOrg)).toContainText('globex');
});

test('after logout the portal asks for a login again', async ({ page }) => {
  await loginToPortal(page, mock.url, 'admin@acme', 'acme-demo');
  await logoutOfPortal(page);
  await page.goto(`${mock.url}/tenant/acme`);
  await expect(page).toHaveURL(/\/tenant\/acme\/login/);
});

test('a session that vCD has ended sends the user back to login with a notice', async ({ page }) => {
  await loginToPortal(page, mock.url, 'admin@acme', 'acme-demo');
  const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('vcd.portal.session') ?? '{}').token as string);
  const ended = await fetch(`${mock.url}/cloudapi/1.0.0/sessions/current`, {
    method: 'DELETE',
    headers: { Accept: 'application/json;version=37.0', Authorization: `Bearer ${token}` },
  });
  expect(ended.status).toBe(204);
  await page.locator(portal.nav).getByRole('link', { name: FIXTURE_PLUGIN_NAME, exact: true }).click();
  await expect(page.locator(portal.loginExpired)).toBeVisible();
  await expect(page).toHaveURL(/\/tenant\/acme\/login\?expired=1/);
});

test('the dark theme is kept across a reload', async ({ page }) => {
  await loginToPortal(page, mock.url, 'admin@acme', 'acme-demo');
  await expect(page.locator('body')).not.toHaveAttribute('cds-theme', 'dark');
  await page.locator(portal.themeToggle).click();
  await expect(page.locator('body')).toHaveAttribute('cds-theme', 'dark');
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('cds-theme', 'dark');
  await expect(page.locator(portal.shell)).toBeVisible();
  await shot(page, 'portal-home-dark.png');
});
