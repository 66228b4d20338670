import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type Stack } from '../scripts/stack';
import { loginToPortal, portal } from './support/portal';

/**
 * Issue 17 item 6: axe-core over every page of the plugin, in the portal's light and dark themes. Only the plugin's
 * part of the page is judged (the portal shell is the mock's stand-in for vCD's). Serious or critical findings fail;
 * the counts per impact go to .test-results/a11y.json for npm test's summary.
 */
let stack: Stack;
let dataDir: string;

const TENANT = { user: 'admin@acme', password: 'acme-demo', base: 'tenant/acme' };
const PROVIDER = { user: 'administrator@System', password: 'provider-demo', base: 'provider' };
const PAGES = [
  { who: TENANT, name: 'functions', path: 'functions', ready: 'function-row' },
  { who: TENANT, name: 'new function', path: 'functions/new', ready: 'function-form' },
  { who: TENANT, name: 'function detail', path: 'functions/hello', ready: 'function-title' },
  { who: TENANT, name: 'showback dashboard', path: 'showback', ready: 'showback-dashboard' },
  { who: TENANT, name: 'showback sources', path: 'showback/sources', ready: 'showback-sources' },
  { who: TENANT, name: 'autoscale rules', path: 'autoscale', ready: 'refresh-rules' },
  { who: PROVIDER, name: 'provider tenants', path: 'tenants', ready: 'tenants-grid' },
  { who: PROVIDER, name: 'rate card', path: 'showback/ratecard', ready: 'ratecard-form' },
];

test.beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-a11y-'));
  stack = await startStack({ dataDir, logLevel: 'warn' });
});

test.afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A function for the detail page, made as the tenant through vCD with the portal's own session. */
async function createHello(page: Page): Promise<void> {
  const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('vcd.portal.session') as string).token as string);
  const created = await page.request.post(`${stack.vcdUrl}/api/org/acme/faas/functions`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { name: 'hello', runtime: 'nodejs20', trigger: { type: 'http', route: 'hello' }, code: 'module.exports = async () => ({ statusCode: 200, body: {} })' },
  });
  expect(created.status()).toBe(202);
}

test('every plugin page has no serious or critical axe finding, in light and dark', async ({ browser }) => {
  test.setTimeout(240_000);
  const counts: Record<string, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  const bad: string[] = [];
  let checked = 0;
  for (const theme of ['light', 'dark'] as const) {
    for (const who of [TENANT, PROVIDER]) {
      const context = await browser.newContext();
      await context.addInitScript((t) => localStorage.setItem('vcd.portal.theme', t), theme);
      const page = await context.newPage();
      await loginToPortal(page, stack.vcdUrl, who.user, who.password);
      if (theme === 'light' && who === TENANT) await createHello(page);
      for (const p of PAGES.filter((x) => x.who === who)) {
        await page.goto(`${stack.vcdUrl}/${who.base}/plugins/serverless/${p.path}`);
        await expect(page.locator(portal.pluginLoading)).toHaveCount(0);
        await expect(page.getByTestId(p.ready).first()).toBeVisible();
        await page.waitForLoadState('networkidle');
        if (theme === 'dark') await expect(page.locator('body')).toHaveAttribute('cds-theme', 'dark');
        else await expect(page.locator('body')).not.toHaveAttribute('cds-theme', 'dark');
        const result = await new AxeBuilder({ page }).include(portal.content).analyze();
        checked++;
        for (const v of result.violations) {
          counts[v.impact ?? 'minor'] = (counts[v.impact ?? 'minor'] ?? 0) + v.nodes.length;
          if (v.impact === 'serious' || v.impact === 'critical') {
            const where = v.nodes.slice(0, 2).map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`);
            bad.push(`${theme} ${p.name}: ${v.id} (${v.impact}) ×${v.nodes.length}: ${where.join('; ')}`);
          }
        }
      }
      await context.close();
    }
  }
  const results = path.resolve(__dirname, '../.test-results');
  mkdirSync(results, { recursive: true });
  writeFileSync(path.join(results, 'a11y.json'), JSON.stringify({ pages: PAGES.length, themes: 2, checked, counts }));
  expect(bad, bad.join('\n')).toEqual([]);
});
