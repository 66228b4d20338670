import { HttpTestingController } from '@angular/common/http/testing';
import { ChangeDetectorRef } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { FormGroup } from '@angular/forms';
import type { ScheduleWindow } from '../../../contract/autoscale-schedule';
import { AutoscaleService } from './autoscale.service';
import { providePluginTesting } from '../../testing/plugin-testing';
import { AUTOSCALE_URL, flushVropsGroups, wirePools, wireRule, POOLS_URL, answerWizardPickers, startValidWizard } from '../../testing/autoscale-testing';
import { toAutoscaleRule } from './autoscale.model';
import { RuleWizardComponent } from './rule-wizard.component';

interface WizardInternals {
  form: FormGroup;
  edgeChanged(): void;
  finish(): void;
}

const OFFICE: ScheduleWindow = { name: 'office hours', cron: '0 8 * * 1-5', timezone: 'Europe/Berlin', durationMinutes: 600, minVms: 4, maxVms: 5 };
const NIGHT: ScheduleWindow = { cron: '0 22 * * *', timezone: 'UTC', durationMinutes: 480, maxVms: 2 };
const problem = (path: string, message: string) => [
  { type: 'https://vcd-serverless.dev/problems/invalid', title: 'Invalid', status: 400, detail: `invalid rule: ${path} ${message}`, errors: [{ path, message }] },
  { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
] as const;

/** Issue 14 item 3: the wizard's schedule windows. */
describe('RuleWizardComponent schedule windows', () => {
  let fixture: ComponentFixture<RuleWizardComponent>;
  let http: HttpTestingController;
  let wizard: RuleWizardComponent;
  const internals = () => wizard as unknown as WizardInternals;
  const el = <T extends HTMLElement>(test: string) => document.body.querySelector(`[data-test="${test}"]`) as T;
  const render = () => {
    // OnPush: a form value set from code marks nothing; the review page reads the draft on the next check.
    fixture.debugElement.injector.get(ChangeDetectorRef).markForCheck();
    fixture.detectChanges();
  };
  const type = (test: string, value: string) => {
    const input = el<HTMLInputElement>(test);
    input.value = value;
    input.dispatchEvent(new Event('input'));
  };

  beforeEach(() => {
    TestBed.configureTestingModule({ imports: [RuleWizardComponent], providers: [...providePluginTesting(), AutoscaleService] });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(RuleWizardComponent);
    wizard = fixture.componentInstance;
    fixture.detectChanges();
  });
  afterEach(() => {
    flushVropsGroups(http);
    http.verify();
    fixture.destroy();
  });

  function createValid(): void {
    startValidWizard(wizard, http, () => fixture.detectChanges());
  }

  function editRule(schedules: ScheduleWindow[]): void {
    wizard.edit(toAutoscaleRule(wireRule({ maxVms: 6, schedules })));
    answerWizardPickers(http);
    http.expectOne(POOLS_URL).flush(wirePools());
    render();
  }

  it('adds a window on the page, words it on the review page and sends it in the body', () => {
    createValid();
    expect(el('schedules-none')).not.toBeNull();
    el<HTMLButtonElement>('schedule-add').click();
    fixture.detectChanges();
    // A new window has no limits yet: the user must say what it sets.
    expect(internals().form.get(['schedules', 0, 'minVms'])!.hasError('setsLimit')).toBeTrue();
    type('schedule-0-timezone', 'Europe/Berlin');
    type('schedule-0-min', '4');
    render();
    expect(internals().form.valid).toBeTrue();
    expect(el('review-schedule-0').textContent?.replace(/\s+/g, ' ').trim()).toBe('Mon–Fri 08:00–18:00 Europe/Berlin: at least 4 VMs');
    internals().finish();
    const req = http.expectOne(`${AUTOSCALE_URL}/rules`);
    expect(req.request.body.schedules).toEqual([{ cron: '0 8 * * 1-5', timezone: 'Europe/Berlin', durationMinutes: 600, minVms: 4 }]);
    req.flush(wireRule({ id: 'new-1' }), { status: 201, statusText: 'Created' });
  });

  it('opens an edit with its windows prefilled and listed in words, a cron it cannot word as written', () => {
    editRule([OFFICE, NIGHT, { cron: '*/30 9 1 * *', timezone: 'UTC', durationMinutes: 20, minVms: 2 }]);
    expect(el<HTMLInputElement>('schedule-0-cron').value).toBe('0 8 * * 1-5');
    expect(el<HTMLInputElement>('schedule-0-timezone').value).toBe('Europe/Berlin');
    expect(el<HTMLInputElement>('schedule-0-duration').value).toBe('600');
    expect(el<HTMLInputElement>('schedule-0-name').value).toBe('office hours');
    expect(el<HTMLInputElement>('schedule-1-max').value).toBe('2');
    expect(el<HTMLInputElement>('schedule-1-min').value).toBe('');
    const review = (i: number) => el(`review-schedule-${i}`).textContent?.replace(/\s+/g, ' ').trim();
    expect(review(0)).toBe('office hours: Mon–Fri 08:00–18:00 Europe/Berlin: 4 to 5 VMs');
    expect(review(1)).toBe('Daily 22:00–06:00 UTC: at most 2 VMs');
    expect(review(2)).toBe('*/30 9 1 * * for 20 min UTC: at least 2 VMs');
  });

  it('keeps the windows of an edit that does not touch them', () => {
    editRule([OFFICE, NIGHT]);
    internals().form.patchValue({ limits: { step: 2 } });
    internals().finish();
    const kept = http.expectOne(`${AUTOSCALE_URL}/rules/r-1`);
    expect(kept.request.body.schedules).toEqual([OFFICE, NIGHT]);
    kept.flush(wireRule({ step: 2, schedules: [OFFICE, NIGHT] }));
  });

  it('removes the windows the user removed in an edit', () => {
    editRule([OFFICE]);
    el<HTMLButtonElement>('schedule-0-remove').click();
    internals().finish();
    const removed = http.expectOne(`${AUTOSCALE_URL}/rules/r-1`);
    // [] clears them: a PUT without the field would keep the rule's windows.
    expect(removed.request.body.schedules).toEqual([]);
    removed.flush(wireRule());
  });

  it("marks the window's cron with the backend's 400, and the later window of an overlap", () => {
    editRule([OFFICE, NIGHT]);
    internals().form.patchValue({ schedules: [{ cron: '0 25 * * *' }] });
    internals().finish();
    http.expectOne(`${AUTOSCALE_URL}/rules/r-1`).flush(...problem('schedules.0.cron', 'does not parse: Invalid value for hour: 25'));
    render();
    expect(internals().form.get(['schedules', 0, 'cron'])!.getError('server')).toBe('does not parse: Invalid value for hour: 25');
    expect(el('schedule-0-cron-error').textContent).toContain('Invalid value for hour: 25');
    expect(internals().form.invalid).toBeTrue();

    internals().form.patchValue({ schedules: [{ cron: '0 20 * * *' }] });
    internals().finish();
    http.expectOne(`${AUTOSCALE_URL}/rules/r-1`).flush(...problem('schedules.1', 'overlaps schedules.0: windows must not be open at the same time'));
    render();
    expect(el('schedule-1-error').textContent).toContain('overlaps schedules.0');
    expect(internals().form.invalid).toBeTrue();
  });

  it("refuses what the backend would: a floor above the window's ceiling or the rule's maximum, an unknown time zone", () => {
    editRule([OFFICE]);
    const window = (field: string) => internals().form.get(['schedules', 0, field])!;
    internals().form.patchValue({ schedules: [{ minVms: 6, maxVms: 5 }] });
    expect(window('minVms').hasError('aboveWindowMax')).toBeTrue();
    internals().form.patchValue({ schedules: [{ maxVms: null }] });
    expect(window('minVms').errors).toBeNull();
    // The rule's maximum is 6: lowering it below the window's floor marks the window.
    internals().form.patchValue({ limits: { maxVms: 5 } });
    expect(window('minVms').hasError('aboveRuleMax')).toBeTrue();
    expect(internals().form.invalid).toBeTrue();
    internals().form.patchValue({ limits: { maxVms: 6 }, schedules: [{ timezone: 'Mars/Olympus' }] });
    expect(window('minVms').errors).toBeNull();
    expect(window('timezone').hasError('timezone')).toBeTrue();
    internals().form.patchValue({ schedules: [{ timezone: 'America/New_York', cron: '0 8 * *' }] });
    expect(window('cron').hasError('cronFields')).toBeTrue();
  });
});
