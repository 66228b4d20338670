import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { TenantRow } from '../../../contract/provider';
import { TEST_API_ROOT, openPluginAt, wireFunction } from '../../testing/plugin-testing';
import { PLUGIN_ROUTES } from '../plugin.module';

const TENANTS_URL = `${TEST_API_ROOT}/api/org/System/provider/tenants`;
const plain = (text: string | null | undefined): string => (text ?? '').replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();

function row(org: string, overrides: Partial<TenantRow> = {}): TenantRow {
  return {
    org,
    displayName: org,
    functions: { total: 0, ready: 0, failed: 0, initializing: 0 },
    usage: { calls: 0, errors: 0, gbSeconds: 0 },
    cost: { currency: 'EUR', monthToDate: 0, forecast: 0, lastMonth: 0, staleSources: [] },
    autoscale: { rules: 0, enabled: 0, lastDecision: null },
    ...overrides,
  };
}

const ACME = row('acme', {
  displayName: 'ACME Corp',
  functions: { total: 3, ready: 2, failed: 1, initializing: 0 },
  usage: { calls: 1234, errors: 5, gbSeconds: 12.5 },
  cost: { currency: 'EUR', monthToDate: 4599, forecast: 13800, lastMonth: 12000, staleSources: ['vrb'] },
  autoscale: { rules: 1, enabled: 1, lastDecision: { rule: 'web', action: 'scaleOut', reason: 'above-scale-out', desired: 3, current: 2, at: '2026-12-01T10:00:00.000Z' } },
});
const GLOBEX = row('globex', { cost: { currency: 'EUR', monthToDate: 99000, forecast: 200000, lastMonth: 0, staleSources: [] } });

describe('the provider pages (tenants overview, acting on an org)', () => {
  let harness: RouterTestingHarness;
  let http: HttpTestingController;
  const page = (): HTMLElement => harness.routeNativeElement as HTMLElement;
  const root = (): HTMLElement => harness.fixture.nativeElement as HTMLElement;
  const orgsInOrder = (): string[] => Array.from(page().querySelectorAll('[data-test="tenant-row"]')).map((r) => r.getAttribute('data-test-org') ?? '');

  async function setUp(scope: 'service-provider' | 'tenant', org: string, url: string): Promise<void> {
    ({ harness, http } = await openPluginAt({ routes: PLUGIN_ROUTES, scope, org, url: url }));
  }

  async function overview(items: TenantRow[] = [ACME, GLOBEX]): Promise<void> {
    http.expectOne(TENANTS_URL).flush({ month: '2026-12', generatedAt: '2026-12-01T12:00:00.000Z', items, total: items.length });
    harness.detectChanges();
    await harness.fixture.whenStable();
    harness.detectChanges();
  }

  afterEach(() => http.verify());

  it("lands the provider on the tenants overview with each org's figures", async () => {
    await setUp('service-provider', 'System', '/');
    expect(TestBed.inject(Router).url).toBe('/tenants');
    await overview();
    const acme = page().querySelector('[data-test-org="acme"]') as HTMLElement;
    expect(acme.textContent).toContain('ACME Corp');
    expect(plain(acme.querySelector('[data-test="tenant-ready"]')?.textContent)).toBe('2 ready');
    expect(plain(acme.querySelector('[data-test="tenant-failed"]')?.textContent)).toBe('1 failed');
    expect(page().querySelector('[data-test-org="globex"] [data-test="tenant-failed"]')).toBeNull();
    expect(plain(acme.querySelector('[data-test="tenant-calls"]')?.textContent)).toBe('1,234');
    expect(plain(acme.querySelector('[data-test="tenant-errors"]')?.textContent)).toBe('5');
    expect(plain(acme.querySelector('[data-test="tenant-mtd"]')?.textContent)).toBe('€45.99');
    expect(plain(acme.querySelector('[data-test="tenant-forecast"]')?.textContent)).toBe('€138.00');
    expect(plain(acme.querySelector('[data-test="tenant-decision"]')?.textContent)).toContain('web:');
    expect(acme.querySelector('[data-test="decision-action"]')?.getAttribute('data-action')).toBe('scaleOut');
    expect(plain(acme.querySelector('[data-test="tenant-stale"]')?.textContent)).toBe('vrb');
    expect(root().querySelector('[data-test="nav-tenants"]')).not.toBeNull();
    expect(orgsInOrder()).toEqual(['acme', 'globex']);
  });

  it('sorts by cost and narrows to the orgs that need attention', async () => {
    await setUp('service-provider', 'System', '/tenants');
    await overview([ACME, GLOBEX, row('initech')]);
    const costHeader = Array.from(page().querySelectorAll<HTMLElement>('clr-dg-column')).find((c) => c.textContent?.includes('Cost month to date'));
    const sortButton = costHeader?.querySelector<HTMLButtonElement>('button.datagrid-column-title');
    sortButton?.click();
    harness.detectChanges();
    expect(orgsInOrder()).toEqual(['initech', 'acme', 'globex']);
    sortButton?.click();
    harness.detectChanges();
    expect(orgsInOrder()).toEqual(['globex', 'acme', 'initech']);

    (page().querySelector('[data-test="only-attention"]') as HTMLInputElement).click();
    harness.detectChanges();
    await harness.fixture.whenStable();
    harness.detectChanges();
    expect(orgsInOrder()).toEqual(['acme']);
    expect(plain(page().querySelector('clr-dg-footer')?.textContent)).toContain('1 organization');
  });

  it("downloads the backend's CSV with the session's token", async () => {
    await setUp('service-provider', 'System', '/tenants');
    await overview();
    (page().querySelector('[data-test="export-tenants"]') as HTMLButtonElement).click();
    const csv = http.expectOne(`${TENANTS_URL}.csv`);
    expect(csv.request.responseType).toBe('blob');
    expect(csv.request.headers.get('Authorization')).toMatch(/^Bearer /);
    csv.flush(new Blob(['Org\r\n'], { type: 'text/csv' }));
  });

  it("opens an org's functions acting on it: the banner names it, the API calls name it, and the way back is there", async () => {
    await setUp('service-provider', 'System', '/tenants');
    await overview();
    (page().querySelector('[data-test-org="globex"] [data-test="tenant-link"]') as HTMLAnchorElement).click();
    await harness.fixture.whenStable();
    harness.detectChanges();
    expect(TestBed.inject(Router).url).toBe('/orgs/globex/functions');
    http.expectOne(`${TEST_API_ROOT}/api/org/globex/faas/functions?limit=500`).flush({ items: [wireFunction({ org: 'globex', url: '/api/org/globex/hello' })], total: 1 });
    harness.detectChanges();
    expect(plain(root().querySelector('[data-test="acting-org"]')?.textContent)).toContain('Acting on organization globex');
    expect(root().querySelector('[data-test="function-row"]')?.textContent).toContain('/api/org/globex/hello');
    expect(root().querySelector('[data-test="acting-back"]')?.getAttribute('href')).toBe('/tenants');

    // Switching org from the frame's own URL re-points the API; leaving it, the provider's own pages name System again.
    await harness.navigateByUrl('/orgs/acme/showback/sources');
    http.expectOne(`${TEST_API_ROOT}/api/org/acme/showback/sources`).flush({ items: [], total: 0 });
    expect(plain(root().querySelector('[data-test="acting-org"]')?.textContent)).toContain('acme');
    await harness.navigateByUrl('/functions');
    http.expectOne(`${TEST_API_ROOT}/api/org/System/faas/functions?limit=500`).flush({ items: [], total: 0 });
    expect(root().querySelector('[data-test="acting-banner"]')).toBeNull();
  });

  it('keeps a tenant on its own pages: no Tenants entry, and provider URLs lead to its functions', async () => {
    await setUp('tenant', 'acme', '/tenants');
    expect(TestBed.inject(Router).url).toBe('/functions');
    http.expectOne(`${TEST_API_ROOT}/api/org/acme/faas/functions?limit=500`).flush({ items: [], total: 0 });
    expect(root().querySelector('[data-test="nav-tenants"]')).toBeNull();
    await harness.navigateByUrl('/orgs/globex/functions');
    expect(TestBed.inject(Router).url).toBe('/functions');
    http.match(`${TEST_API_ROOT}/api/org/acme/faas/functions?limit=500`).forEach((r) => r.flush({ items: [], total: 0 }));
    http.expectNone((r) => r.url.includes('/globex/'));
  });
});
