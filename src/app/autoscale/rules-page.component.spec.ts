import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed, discardPeriodicTasks, fakeAsync, tick } from '@angular/core/testing';
import { AutoscaleService } from './autoscale.service';
import { providePluginTesting } from '../../testing/plugin-testing';
import { AUTOSCALE_URL, flushVropsGroups, wireRule, wireVApps } from '../../testing/autoscale-testing';
import { RULES_REFRESH_MS, RulesPageComponent } from './rules-page.component';

describe('RulesPageComponent', () => {
  let fixture: ComponentFixture<RulesPageComponent>;
  let http: HttpTestingController;
  const page = (): HTMLElement => fixture.nativeElement as HTMLElement;
  const rows = (): HTMLElement[] => Array.from(page().querySelectorAll<HTMLElement>('[data-test="rule-row"]'));
  const cell = (row: HTMLElement, test: string) => row.querySelector(`[data-test="${test}"]`)?.textContent?.trim();

  beforeEach(() => {
    TestBed.configureTestingModule({ imports: [RulesPageComponent], providers: [...providePluginTesting(), AutoscaleService] });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(RulesPageComponent);
  });

  afterEach(() => {
    flushVropsGroups(http);
    http.verify();
  });

  function answer(rules: ReturnType<typeof wireRule>[]): void {
    fixture.detectChanges();
    http.expectOne(`${AUTOSCALE_URL}/rules?limit=500`).flush({ items: rules, total: rules.length });
    http.expectOne(`${AUTOSCALE_URL}/catalog/vapps`).flush(wireVApps());
    fixture.detectChanges();
  }

  it("lists each rule with its vApp's name, status, the vApp's VM count now and the last decision", () => {
    answer([
      wireRule({
        lastDecision: { action: 'scaleOut', current: 2, desired: 3, reason: 'above-scale-out', detail: 'CPU 85 % is above 70 %', at: '2026-11-25T10:05:00.000Z' },
      }),
      wireRule({ id: 'r-2', name: 'idle', enabled: false, vAppId: 'urn:vcloud:vapp:00000000-0000-4000-8000-0000000000aa' }),
    ]);
    const [web, idle] = rows();
    expect(cell(web, 'rule-link')).toBe('web');
    expect(cell(web, 'rule-vapp')).toBe('web');
    expect(cell(web, 'rule-status')).toBe('Enabled');
    expect(cell(web, 'rule-vms')).toBe('2 (min 1, max 5)');
    expect(web.querySelector('[data-test="decision-action"]')?.getAttribute('data-action')).toBe('scaleOut');
    expect(cell(web, 'rule-last-decision')).toContain('CPU 85 % is above 70 %');
    // A vApp vCD no longer lists: its id, no count, and the rule shows it has not been evaluated.
    expect(cell(idle, 'rule-status')).toBe('Disabled');
    expect(cell(idle, 'rule-vapp')).toBe('urn:vcloud:vapp:00000000-0000-4000-8000-0000000000aa');
    expect(cell(idle, 'rule-vms')).toBe('–');
    expect(cell(idle, 'rule-last-decision')).toBe('Not evaluated yet');
    expect(page().querySelector('clr-dg-footer')?.textContent).toContain('2 rules');
  });

  it('re-reads the rules quietly, so a VM count the poller changed shows without a click', fakeAsync(() => {
    answer([wireRule()]);
    expect(cell(rows()[0], 'rule-vms')).toBe('2 (min 1, max 5)');
    tick(RULES_REFRESH_MS);
    http.expectOne(`${AUTOSCALE_URL}/rules?limit=500`).flush({ items: [wireRule()], total: 1 });
    http.expectOne(`${AUTOSCALE_URL}/catalog/vapps`).flush({ items: [{ ...wireVApps().items[0], vmCount: 3 }] });
    fixture.detectChanges();
    expect(cell(rows()[0], 'rule-vms')).toBe('3 (min 1, max 5)');
    discardPeriodicTasks();
  }));

  it('shows the empty state when the org has no rules', () => {
    answer([]);
    expect(rows().length).toBe(0);
    expect(page().querySelector('[data-test="rules-empty"]')?.textContent).toContain('No autoscale rules yet');
  });

  it("shows the backend's problem when the list cannot be read", () => {
    fixture.detectChanges();
    http.expectOne(`${AUTOSCALE_URL}/rules?limit=500`).flush(
      { type: 'https://vcd-serverless.dev/problems/upstream/vcd', title: 'Bad Gateway', status: 502, detail: 'vCD is not reachable' },
      { status: 502, statusText: 'Bad Gateway' },
    );
    http.expectOne(`${AUTOSCALE_URL}/catalog/vapps`);
    fixture.detectChanges();
    expect(page().querySelector('[data-test="problem-detail"]')?.textContent).toContain('vCD is not reachable');
  });
});
