import { defineConfig } from '@playwright/test';

/**
 * e2e: Debian's Chromium (no browser download), specs in e2e/, screenshots of each page in e2e/screenshots/
 * (written by the specs themselves). Each spec starts what it needs (mock vCD, backend) on port 0.
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: '.test-results/playwright',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: 'list',
  use: {
    browserName: 'chromium',
    testIdAttribute: 'data-test',
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROME_BIN || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    },
  },
});
