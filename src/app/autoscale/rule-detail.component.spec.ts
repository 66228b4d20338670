import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed, discardPeriodicTasks, fakeAsync, tick } from '@angular/core/testing';
import { ActivatedRoute, Router, convertToParamMap } from '@angular/router';
import { AutoscaleService } from './autoscale.service';
import { providePluginTesting } from '../../testing/plugin-testing';
import { AUTOSCALE_URL, flushVropsGroups, wireRule, wireVApps } from '../../testing/autoscale-testing';
import { RuleDetailComponent } from './rule-detail.component';

const RULE = `${AUTOSCALE_URL}/rules/r-1`;

describe('RuleDetailComponent', () => {
  let fixture: ComponentFixture<RuleDetailComponent>;
  let http: HttpTestingController;
  const page = (): HTMLElement => fixture.nativeElement as HTMLElement;
  const text = (test: string) => page().querySelector(`[data-test="${test}"]`)?.textContent?.trim() ?? '';
  const click = (test: string) => (page().querySelector(`[data-test="${test}"]`) as HTMLButtonElement).click();

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [RuleDetailComponent],
      providers: [...providePluginTesting(), AutoscaleService, { provide: ActivatedRoute, useValue: { snapshot: { paramMap: convertToParamMap({ id: 'r-1' }) } } }],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(RuleDetailComponent);
  });

  afterEach(() => {
    flushVropsGroups(http);
    http.verify();
  });

  /** Answers one read of the page: the rule, its events, its metrics, the vApps (with the vApp's VM count) and its history. */
  function answerReads(options: { events?: unknown[]; samples?: unknown[]; vmCount?: number; changes?: unknown[]; rule?: object } = {}): void {
    const { events = [], samples = [], vmCount = 2, changes = [], rule = wireRule() } = options;
    http.expectOne(RULE).flush(rule);
    http.expectOne(`${RULE}/events?limit=100`).flush({ items: events, total: events.length });
    http.expectOne(`${RULE}/metrics?minutes=60`).flush({ items: samples, vms: vmCount });
    http.expectOne(`${AUTOSCALE_URL}/catalog/vapps`).flush({ items: [{ ...wireVApps().items[0], vmCount }] });
    http.expectOne(`${RULE}/history?limit=50`).flush({ items: changes, total: changes.length });
    // The forecast is read once per FORECAST_REFRESH_MS, not with every refresh.
    for (const req of http.match(`${RULE}/forecast?hours=2`)) req.flush({ rule: 'r-1', currentVms: vmCount, samples: 0, method: '', points: [] });
    fixture.detectChanges();
  }

  function load(events: unknown[] = [], samples: unknown[] = []): void {
    fixture.detectChanges();
    tick(0);
    answerReads({ events, samples });
  }

  it('shows what the rule would do now and why when Dry run is pressed, and journals nothing', fakeAsync(() => {
    load();
    click('dry-run-button');
    const req = http.expectOne(`${RULE}/dry-run`);
    expect(req.request.method).toBe('POST');
    req.flush({
      rule: 'r-1',
      decision: { action: 'scaleOut', current: 2, desired: 3, reason: 'above-scale-out', detail: 'CPU 85.2 % is above the scale-out threshold of 70 %.' },
      metrics: { cpuPercent: 85.24, memoryPercent: 61, vms: 2 },
    });
    fixture.detectChanges();
    expect(text('dry-run-verdict')).toBe('Now this rule would scale out from 2 to 3 VMs.');
    expect(text('dry-run-reason')).toContain('CPU 85.2 % is above the scale-out threshold of 70 %.');
    expect(text('dry-run-metrics')).toBe('Read from vCD just now: CPU 85.2 %, memory 61 % over 2 powered-on VMs.');
    expect(text('dry-run-reason-code')).toBe('above-scale-out');
    expect(page().querySelector('[data-test="dry-run"] .alert')?.classList).toContain('alert-warning');
    // The page re-reads at once, so the VM count beside the verdict is as fresh as the verdict.
    answerReads({ vmCount: 3 });
    expect(text('rule-vms')).toBe('3 (min 1, max 5)');
    discardPeriodicTasks();
  }));

  it('says plainly when the rule would do nothing', fakeAsync(() => {
    load();
    click('dry-run-button');
    http.expectOne(`${RULE}/dry-run`).flush({
      rule: 'r-1',
      decision: { action: 'none', current: 2, desired: 2, reason: 'in-band', detail: 'CPU 32 % is between the thresholds.' },
      metrics: { cpuPercent: 32, memoryPercent: 37, vms: 2 },
    });
    fixture.detectChanges();
    expect(text('dry-run-verdict')).toBe('Now this rule would do nothing: it keeps 2 VMs.');
    answerReads();
    expect(page().querySelector('[data-test="dry-run"] .alert')?.classList).toContain('alert-info');
    discardPeriodicTasks();
  }));

  it('shows settings, the VM count now, the chart of CPU and memory and the event timeline', fakeAsync(() => {
    load(
      [
        {
          id: '2',
          ruleId: 'r-1',
          at: '2026-11-25T10:00:02.000Z',
          kind: 'decision',
          message: 'CPU 85 % is above 70 %',
          data: { action: 'scaleOut', current: 2, desired: 3, reason: 'above-scale-out', detail: 'CPU 85 % is above 70 %' },
        },
        { id: '1', ruleId: 'r-1', at: '2026-11-25T10:00:01.000Z', kind: 'alert', message: 'CPU above scale-out threshold ACTIVE', data: {} },
      ],
      [
        { at: Date.parse('2026-11-25T10:00:00Z'), cpuPercent: 32, memoryPercent: 37 },
        { at: Date.parse('2026-11-25T10:00:20Z'), cpuPercent: 85, memoryPercent: 59 },
      ],
    );
    expect(text('rule-title')).toBe('web');
    expect(text('rule-vms')).toBe('2 (min 1, max 5)');
    const events = Array.from(page().querySelectorAll('[data-test="rule-event"]'));
    expect(events.map((e) => e.getAttribute('data-kind'))).toEqual(['decision', 'alert']);
    expect(events[0].textContent).toContain('CPU 85 % is above 70 %');
    // The rule read alone carries no decision: the newest decision event is the last one.
    expect(page().querySelector('[data-test="rule-properties"] [data-test="decision-action"]')?.getAttribute('data-action')).toBe('scaleOut');
    expect(text('rule-last-decision')).toBe('CPU 85 % is above 70 %');
    expect(page().querySelector('[data-test="rule-chart"] canvas')).not.toBeNull();
    expect(page().querySelector('[data-test="chart-empty"]')).toBeNull();
    discardPeriodicTasks();
  }));

  it('lists the schedule windows of a rule that has them, in words', fakeAsync(() => {
    fixture.detectChanges();
    tick(0);
    answerReads({ rule: wireRule({ schedules: [{ name: 'night', cron: '0 22 * * *', timezone: 'Europe/Berlin', durationMinutes: 480, maxVms: 2 }] }) });
    expect(text('review-schedule-0').replace(/\s+/g, ' ')).toBe('night: Daily 22:00–06:00 Europe/Berlin: at most 2 VMs');
    discardPeriodicTasks();
  }));

  it('deletes the rule after confirmation and goes back to the list', fakeAsync(() => {
    const navigate = spyOn(TestBed.inject(Router), 'navigate').and.resolveTo(true);
    load();
    click('delete-rule');
    fixture.detectChanges();
    expect(document.body.querySelector('[data-test="delete-modal"] .modal-title')?.textContent).toContain('Delete rule web?');
    http.expectNone(RULE);
    (document.body.querySelector('[data-test="confirm-delete"]') as HTMLButtonElement).click();
    const req = http.expectOne(RULE);
    expect(req.request.method).toBe('DELETE');
    req.flush(null, { status: 204, statusText: 'No Content' });
    expect(navigate).toHaveBeenCalledWith(['..'], jasmine.objectContaining({ relativeTo: jasmine.anything() }));
    discardPeriodicTasks();
  }));

  it("shows the backend's problem when the rule cannot be disabled", fakeAsync(() => {
    load();
    click('toggle-rule');
    http.expectOne(RULE).flush(
      { type: 'https://vcd-serverless.dev/problems/not-found', title: 'Not Found', status: 404, detail: 'rule r-1 not found' },
      { status: 404, statusText: 'Not Found' },
    );
    fixture.detectChanges();
    expect(text('problem-detail')).toBe('rule r-1 not found');
    expect(text('rule-status')).toBe('Enabled');
    discardPeriodicTasks();
  }));

  it('disables an enabled rule and shows its new status', fakeAsync(() => {
    load();
    expect(text('rule-status')).toBe('Enabled');
    click('toggle-rule');
    const req = http.expectOne(RULE);
    expect(req.request.method).toBe('PUT');
    expect(req.request.body).toEqual({ enabled: false });
    req.flush(wireRule({ enabled: false }));
    fixture.detectChanges();
    expect(text('rule-status')).toBe('Disabled');
    expect(text('toggle-rule')).toBe('Enable');
    discardPeriodicTasks();
  }));

  it("lists the rule's history: who changed it, and each field from what to what", fakeAsync(() => {
    fixture.detectChanges();
    tick(0);
    answerReads({
      changes: [
        {
          id: '2',
          ruleId: 'r-1',
          at: '2026-11-25T11:00:00.000Z',
          action: 'update',
          user: 'admin',
          userOrg: 'acme',
          changes: [
            { field: 'scaleOut.cpuPercent', before: 70, after: 75 },
            { field: 'maxVms', before: 5, after: 3 },
          ],
        },
        { id: '1', ruleId: 'r-1', at: '2026-11-25T10:00:00.000Z', action: 'create', user: 'administrator', userOrg: 'System', changes: [{ field: 'name', before: null, after: 'web' }] },
      ],
    });
    const entries = Array.from(page().querySelectorAll('[data-test="rule-change"]'));
    expect(entries.map((e) => e.getAttribute('data-action'))).toEqual(['update', 'create']);
    expect(entries[0].querySelector('[data-test="rule-change-who"]')?.textContent).toContain('Changed by admin (acme)');
    expect(Array.from(entries[0].querySelectorAll('[data-test="rule-change-field"]')).map((f) => f.textContent?.trim())).toEqual([
      'scaleOut.cpuPercent: 70 → 75',
      'maxVms: 5 → 3',
    ]);
    expect(entries[1].textContent).toContain('Created by administrator (System)');
    discardPeriodicTasks();
  }));

  it('opens the wizard on the rule, saves the edit with PUT and shows the new settings and history at once', fakeAsync(() => {
    load();
    click('edit-rule');
    fixture.detectChanges();
    http.expectOne(`${AUTOSCALE_URL}/catalog/vapps`).flush(wireVApps());
    http.expectOne(`${AUTOSCALE_URL}/catalog/templates`).flush({ items: [] });
    http.expectOne(`${AUTOSCALE_URL}/catalog/edge-gateways`).flush({ items: [] });
    http.expectOne((r) => r.url.endsWith('/pools')).flush({ items: [] });
    fixture.detectChanges();
    expect(document.body.querySelector('[data-test="wizard-title"]')?.textContent).toContain('Edit autoscale rule web');
    const wizard = fixture.debugElement.query((d) => d.name === 'vsl-rule-wizard').componentInstance as { form: { patchValue(v: unknown): void }; finish(): void };
    wizard.form.patchValue({ limits: { maxVms: 3 } });
    wizard.finish();
    const put = http.expectOne(RULE);
    expect(put.request.method).toBe('PUT');
    expect(put.request.body).toEqual(jasmine.objectContaining({ name: 'web', maxVms: 3, minVms: 1, lbPoolName: 'web-pool' }));
    put.flush(wireRule({ maxVms: 3 }));
    fixture.detectChanges();
    expect(text('rule-limits')).toBe('1 to 3 VMs, 1 per step');
    answerReads({ rule: wireRule({ maxVms: 3 }), changes: [{ id: '2', ruleId: 'r-1', at: '2026-11-25T11:00:00.000Z', action: 'update', user: 'admin', userOrg: 'acme', changes: [{ field: 'maxVms', before: 5, after: 3 }] }] });
    expect(page().querySelector('[data-test="rule-change-field"]')?.textContent?.trim()).toBe('maxVms: 5 → 3');
    // Clarity's wizard leaves short timers (focus, animation) behind; the page's refresh is 5 s away.
    tick(1000);
    discardPeriodicTasks();
  }));
});
