import { chromium, selectors } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedShowbackDemo } from '../scripts/demo-data';
import { startStack } from '../scripts/stack';
import { loginToPortal, openPlugin } from '../e2e/support/portal';
import { type Figures, percentile } from './figures';

const root = path.resolve(__dirname, '..');

/**
 * Issue 4: the showback dashboard's first render in Chromium with the mock's demo months collected: from the click on
 * "Showback" in the plugin until the month-to-date KPI holds a figure and the three charts are drawn.
 */
export async function benchFirstRender(figures: Figures, options: { quick: boolean }): Promise<void> {
  for (const [project, marker] of [['plugin', 'dist/plugin.zip'], ['portal', 'dist/portal/browser/index.html']]) {
    if (!existsSync(path.join(root, marker))) execFileSync('npx', ['ng', 'build', project], { cwd: root, stdio: 'inherit' });
  }
  selectors.setTestIdAttribute('data-test'); // as playwright.config.ts does for the e2e specs
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vsl-render-'));
  const stack = await startStack({ dataDir, logLevel: 'warn' });
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_BIN || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  try {
    // The demo months npm start collects: the same source and the same backfill.
    await seedShowbackDemo(stack);

    const page = await browser.newPage({ viewport: { width: 1440, height: 1200 } });
    await loginToPortal(page, stack.vcdUrl, 'admin@acme', 'acme-demo');
    await openPlugin(page, 'Serverless');
    const rendered = async (): Promise<number> => {
      await page.getByTestId('nav-functions').click();
      await page.getByTestId('showback-dashboard').waitFor({ state: 'detached' });
      const started = performance.now();
      await page.getByTestId('nav-showback').click();
      await page.locator('[data-test="kpi-month-to-date"] [data-test="kpi-value"]').filter({ hasText: /\d/ }).waitFor();
      for (const chart of ['chart-monthly', 'chart-daily', 'chart-services']) await page.getByTestId(chart).locator('canvas').waitFor();
      return performance.now() - started;
    };
    const first = await rendered();
    const again: number[] = [];
    for (let i = 0; i < (options.quick ? 3 : 10); i++) again.push(await rendered());
    again.sort((a, b) => a - b);
    const note = 'Chromium, demo months collected, click on Showback → KPIs with figures and three charts';
    figures.add('showback.dashboard_first_render_ms', { value: first, unit: 'ms', note: `${note}; first visit` });
    figures.add('showback.dashboard_render.p50_ms', { value: percentile(again, 50), unit: 'ms', note: `${note}; later visits` });
  } finally {
    await browser.close();
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
