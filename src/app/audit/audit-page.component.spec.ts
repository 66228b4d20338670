import { HttpTestingController } from '@angular/common/http/testing';
import { RouterTestingHarness } from '@angular/router/testing';
import type { AuditEntry } from '../../../contract/audit';
import { TEST_API_ROOT, openPluginAt } from '../../testing/plugin-testing';
import { PLUGIN_ROUTES } from '../plugin.module';

const plain = (text: string | null | undefined): string => (text ?? '').replace(/\s+/g, ' ').trim();
const entry = (overrides: Partial<AuditEntry>): AuditEntry => ({
  id: '1', at: '2026-12-01T10:00:00.000Z', org: 'acme', actor: { user: 'admin', org: 'acme', role: 'tenant' }, kind: 'functions', action: 'create',
  target: 'function hello', fields: ['code', 'name', 'secrets'], secrets: { set: ['API_KEY'], removed: [] }, before: null, after: null, ...overrides,
});

describe('the audit log page', () => {
  let harness: RouterTestingHarness;
  let http: HttpTestingController;
  const page = (): HTMLElement => harness.routeNativeElement as HTMLElement;

  async function setUp(scope: 'service-provider' | 'tenant', org: string): Promise<void> {
    ({ harness, http } = await openPluginAt({ routes: PLUGIN_ROUTES, scope, org, url: '/audit' }));
  }

  async function settle(): Promise<void> {
    harness.detectChanges();
    await harness.fixture.whenStable();
    harness.detectChanges();
  }

  afterEach(() => http.verify());

  it("shows a tenant its own org's changes: who, what, fields and secrets by name", async () => {
    await setUp('tenant', 'acme');
    http.expectOne(`${TEST_API_ROOT}/api/org/acme/audit?limit=200`).flush({ items: [entry({})], total: 1 });
    await settle();
    const row = page().querySelector('[data-test="audit-row"]') as HTMLElement;
    expect(plain(row.querySelector('[data-test="audit-who"]')?.textContent)).toBe('admin@acme (tenant)');
    expect(plain(row.querySelector('[data-test="audit-what"]')?.textContent)).toBe('created: function hello');
    expect(plain(row.querySelector('[data-test="audit-change"]')?.textContent)).toBe('code, name, secrets (secrets: API_KEY)');
    expect(page().querySelector('[data-test="audit-org"]')).toBeNull();
    // When, in the reader's locale, not the wire's ISO string.
    const at = plain(row.querySelector('[data-test="audit-at"]')?.textContent);
    expect(at).toMatch(/2026/);
    expect(at).not.toContain('T10:00:00');
  });

  it('lets the provider filter every org by org, user and kind, and shows before and after', async () => {
    await setUp('service-provider', 'System');
    http.expectOne(`${TEST_API_ROOT}/api/org/System/provider/audit?limit=200`).flush({ items: [], total: 0 });
    await settle();
    const org = page().querySelector('[data-test="audit-org"]') as HTMLInputElement;
    org.value = 'acme';
    org.dispatchEvent(new Event('input'));
    const kind = page().querySelector('[data-test="audit-kind"]') as HTMLSelectElement;
    kind.value = 'limits';
    kind.dispatchEvent(new Event('change'));
    (page().querySelector('[data-test="audit-apply"]') as HTMLButtonElement).click();
    const limits = entry({ kind: 'limits', action: 'update', target: 'limits of acme', actor: { user: 'administrator', org: 'System', role: 'provider' }, fields: ['memoryMb'], secrets: null, before: {}, after: { memoryMb: 64 } });
    http.expectOne(`${TEST_API_ROOT}/api/org/System/provider/audit?org=acme&kind=limits&limit=200`).flush({ items: [limits], total: 1 });
    await settle();
    expect(plain(page().querySelector('[data-test="audit-change"]')?.textContent)).toBe('{} → {"memoryMb":64}');
    expect(plain(page().querySelector('[data-test="audit-who"]')?.textContent)).toBe('administrator@System (provider)');
  });
});
