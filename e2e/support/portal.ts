import { type Locator, type Page, expect } from '@playwright/test';

/** The mock vCD portal's test hooks (`data-test` attributes), for specs that walk through the portal. */
export const portal = {
  loginPage: '[data-test="login-page"]',
  loginUsername: '[data-test="login-username"]',
  loginOrg: '[data-test="login-org"]',
  loginPassword: '[data-test="login-password"]',
  loginSubmit: '[data-test="login-submit"]',
  loginError: '[data-test="login-error"]',
  loginExpired: '[data-test="login-expired"]',
  shell: '[data-test="portal-shell"]',
  nav: '[data-test="portal-nav"]',
  navHome: '[data-test="nav-home"]',
  headerOrg: '[data-test="header-org"]',
  headerUser: '[data-test="header-user"]',
  userMenu: '[data-test="user-menu"]',
  logout: '[data-test="logout"]',
  themeToggle: '[data-test="theme-toggle"]',
  content: '[data-test="portal-content"]',
  homeTitle: '[data-test="home-title"]',
  pluginLoading: '[data-test="plugin-loading"]',
  pluginLoadError: '[data-test="plugin-load-error"]',
} as const;

/** Opens the portal's login page and submits the credentials, without judging the outcome. */
export async function submitLogin(page: Page, baseUrl: string, user: string, password: string): Promise<void> {
  await page.goto(new URL('/login', baseUrl).href);
  await page.locator(portal.loginUsername).fill(user);
  await page.locator(portal.loginPassword).fill(password);
  await page.locator(portal.loginSubmit).click();
}

/** Logs in as `user@org` (or `administrator@System`) and waits for the org's portal shell. */
export async function loginToPortal(page: Page, baseUrl: string, user: string, password: string): Promise<void> {
  await submitLogin(page, baseUrl, user, password);
  const shell = page.locator(portal.shell);
  const error = page.locator(portal.loginError);
  await expect(shell.or(error)).toBeVisible();
  if (await error.isVisible()) throw new Error(`Login as ${user} failed: ${await error.innerText()}`);
  await expect(page.locator(portal.homeTitle)).toBeVisible();
}

/** Clicks the plugin's entry (its manifest `name`) in the portal navigation; resolves when it has rendered. */
export async function openPlugin(page: Page, name: string): Promise<Locator> {
  await page.locator(portal.nav).getByRole('link', { name, exact: true }).click();
  await page.waitForURL(/\/plugins\/[^/]+/);
  await expect(page.locator(portal.pluginLoading)).toHaveCount(0);
  const failure = page.locator(portal.pluginLoadError);
  if (await failure.count()) throw new Error(`Plugin ${name} failed to load: ${await failure.innerText()}`);
  const content = page.locator(portal.content);
  // The plugin's own page is whatever follows the router outlet in the content area.
  await expect(content.locator('router-outlet + *').first()).toBeVisible();
  return content;
}

/** Logs out through the user menu and waits for the login page. */
export async function logoutOfPortal(page: Page): Promise<void> {
  await page.locator(portal.userMenu).click();
  await page.locator(portal.logout).click();
  await expect(page.locator(portal.loginPage)).toBeVisible();
}

/** The vCD token the portal holds for the logged-in user, as a user would copy it for curl. */
export async function portalToken(page: Page): Promise<string> {
  // An expression, not a function: this module is also compiled without the DOM's types (scripts import it).
  const raw = (await page.evaluate("sessionStorage.getItem('vcd.portal.session')")) as string | null;
  expect(raw, 'the portal keeps the vCD session').toBeTruthy();
  return JSON.parse(raw as string).token as string;
}
