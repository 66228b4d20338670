import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { OrgLimits, OrgLimitsView } from '../../../contract/limits';
import { TEST_API_ROOT, openPluginAt } from '../../testing/plugin-testing';
import { PLUGIN_ROUTES } from '../plugin.module';

const BASE = `${TEST_API_ROOT}/api/org/System/provider/limits`;
const DEFAULTS: OrgLimits = { memoryMb: 128, timeoutMs: 10000, concurrentCalls: 50, callsPerSecond: 0, functionCallsPerSecond: 0, functions: 100, containerRuntime: true, egress: true, autoscaleMaxVms: 10 };
const plain = (text: string | null | undefined): string => (text ?? '').replace(/\s+/g, ' ').trim();
const view = (org: string, override: Partial<OrgLimits>): OrgLimitsView => ({
  org, override, effective: { ...DEFAULTS, ...override }, updatedAt: override.memoryMb ? '2026-12-01T10:00:00.000Z' : null, updatedBy: override.memoryMb ? 'administrator@System' : null,
});

describe('the limits pages', () => {
  let harness: RouterTestingHarness;
  let http: HttpTestingController;
  const page = (): HTMLElement => harness.routeNativeElement as HTMLElement;
  const root = (): HTMLElement => harness.fixture.nativeElement as HTMLElement;

  async function setUp(scope: 'service-provider' | 'tenant', org: string, url: string): Promise<void> {
    ({ harness, http } = await openPluginAt({ routes: PLUGIN_ROUTES, scope, org, url: url }));
  }

  async function settle(): Promise<void> {
    harness.detectChanges();
    await harness.fixture.whenStable();
    harness.detectChanges();
  }

  function type(selector: string, value: string): void {
    const input = page().querySelector(selector) as HTMLInputElement;
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  async function providerPage(overrides: OrgLimitsView[] = [view('acme', { memoryMb: 64, egress: false })]): Promise<void> {
    await setUp('service-provider', 'System', '/provider-limits');
    http.expectOne(`${BASE}/default`).flush({ limits: DEFAULTS, updatedAt: null, updatedBy: null });
    http.expectOne(`${BASE}/orgs`).flush({ items: overrides, total: overrides.length });
    await settle();
  }

  afterEach(() => http.verify());

  it('shows the provider the default in a form and the orgs with limits of their own', async () => {
    await providerPage();
    expect(root().querySelector('[data-test="nav-provider-limits"]')).not.toBeNull();
    expect(root().querySelector('[data-test="nav-limits"]')).toBeNull();
    expect((page().querySelector('[data-test="default-limits"] [data-test="limit-memoryMb"]') as HTMLInputElement).value).toBe('128');
    const acme = page().querySelector('[data-test-org="acme"]') as HTMLElement;
    expect(plain(acme.textContent)).toContain('Memory per call (MB): 64');
    expect(plain(acme.textContent)).toContain('Outbound network (egress): false');
    expect(plain(acme.textContent)).toContain('administrator@System');
  });

  it('saves a changed default with every field', async () => {
    await providerPage([]);
    type('[data-test="default-limits"] [data-test="limit-timeoutMs"]', '5000');
    (page().querySelector('[data-test="default-limits-save"]') as HTMLButtonElement).click();
    const put = http.expectOne(`${BASE}/default`);
    expect(put.request.method).toBe('PUT');
    expect(put.request.body).toEqual({ ...DEFAULTS, timeoutMs: 5000 });
    put.flush({ limits: { ...DEFAULTS, timeoutMs: 5000 }, updatedAt: '2026-12-01T10:00:00.000Z', updatedBy: 'administrator@System' });
    await settle();
    expect(plain(page().querySelector('[data-test="limits-saved"]')?.textContent)).toBe('The default limits are saved.');
  });

  it("lowers one org's memory: only what differs from the default is sent, and the backend's refusal is shown", async () => {
    await providerPage([]);
    type('[data-test="limits-org-input"]', 'globex');
    (page().querySelector('[data-test="limits-org-open"]') as HTMLButtonElement).click();
    http.expectOne(`${BASE}/orgs/globex`).flush(view('globex', {}));
    await settle();
    expect(page().querySelector('[data-test="org-limits-reset"]')).toBeNull();
    type('[data-test="org-limits-form"] [data-test="limit-memoryMb"]', '64');
    (page().querySelector('[data-test="org-limits-form"] [data-test="limit-egress"]') as HTMLInputElement).click();
    (page().querySelector('[data-test="org-limits-form-save"]') as HTMLButtonElement).click();
    const put = http.expectOne(`${BASE}/orgs/globex`);
    expect(put.request.body).toEqual({ memoryMb: 64, egress: false });
    put.flush({ type: 'x', title: 'The request is invalid', status: 400, detail: 'invalid limits: memoryMb: must be at least 8 MB', errors: [{ path: 'memoryMb', message: 'must be at least 8 MB' }] }, { status: 400, statusText: 'Bad Request' });
    await settle();
    expect(plain(page().querySelector('[data-test="problem-detail"]')?.textContent)).toContain('must be at least 8 MB');
  });

  it("resets an org to the default from its row", async () => {
    await providerPage();
    (page().querySelector('[data-test-org="acme"] [data-test="override-open"]') as HTMLButtonElement).click();
    http.expectOne(`${BASE}/orgs/acme`).flush(view('acme', { memoryMb: 64, egress: false }));
    await settle();
    expect((page().querySelector('[data-test="org-limits-form"] [data-test="limit-memoryMb"]') as HTMLInputElement).value).toBe('64');
    (page().querySelector('[data-test="org-limits-reset"]') as HTMLButtonElement).click();
    const del = http.expectOne(`${BASE}/orgs/acme`);
    expect(del.request.method).toBe('DELETE');
    del.flush(null, { status: 204, statusText: 'No Content' });
    http.expectOne(`${BASE}/default`).flush({ limits: DEFAULTS, updatedAt: null, updatedBy: null });
    http.expectOne(`${BASE}/orgs`).flush({ items: [], total: 0 });
    await settle();
    expect(page().querySelector('[data-test="org-limits"]')).toBeNull();
    expect(page().querySelector('[data-test-org="acme"]')).toBeNull();
  });

  it('shows a tenant its own limits read-only, and keeps it off the provider page', async () => {
    await setUp('tenant', 'acme', '/limits');
    http.expectOne(`${TEST_API_ROOT}/api/org/acme/limits`).flush(view('acme', { memoryMb: 64, egress: false }));
    await settle();
    const cells = (field: string) => Array.from(page().querySelectorAll(`[data-test="own-limit-${field}"] th, [data-test="own-limit-${field}"] td`)).map((c) => plain(c.textContent));
    expect(cells('memoryMb')).toEqual(['Memory per call (MB)', '64', 'Set for your organization']);
    expect(cells('callsPerSecond')).toEqual(['Calls per second', 'No limit', 'Default']);
    expect(cells('functionCallsPerSecond')).toEqual(['Calls per second per function', 'No limit', 'Default']);
    expect(cells('egress')).toEqual(['Outbound network (egress)', 'Not allowed', 'Set for your organization']);
    expect(page().querySelector('input')).toBeNull();
    expect(root().querySelector('[data-test="nav-limits"]')).not.toBeNull();

    await harness.navigateByUrl('/provider-limits');
    expect(TestBed.inject(Router).url).toBe('/functions');
    http.match(() => true).forEach((r) => r.flush({ items: [], total: 0 }));
    http.expectNone((r) => r.url.includes('/provider/'));
  });
});
