import { HttpTestingController } from '@angular/common/http/testing';
import { ChangeDetectorRef } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { FormGroup } from '@angular/forms';
import { AutoscaleService } from './autoscale.service';
import { FUNCTIONS_URL, providePluginTesting } from '../../testing/plugin-testing';
import { AUTOSCALE_URL, flushVropsGroups, wirePools, wireRule, POOLS_URL, answerWizardPickers, startValidWizard } from '../../testing/autoscale-testing';
import { toAutoscaleRule } from './autoscale.model';
import { RuleWizardComponent } from './rule-wizard.component';

/** The wizard's protected members, as the template uses them. */
interface WizardInternals {
  form: FormGroup;
  edgeChanged(): void;
  finish(): void;
}

/** Issue 14 item 5: the wizard's lifecycle-hooks page. */
describe('RuleWizardComponent lifecycle hooks', () => {
  let fixture: ComponentFixture<RuleWizardComponent>;
  let http: HttpTestingController;
  let wizard: RuleWizardComponent;
  const internals = () => wizard as unknown as WizardInternals;
  const el = <T extends HTMLElement>(test: string) => document.body.querySelector(`[data-test="${test}"]`) as T;

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

  function fillValid(): void {
    startValidWizard(wizard, http, () => fixture.detectChanges());
  }

  it("suggests the org's functions and sends only the hooks that name one, with the chosen timeout and default", () => {
    fillValid();
    el<HTMLInputElement>('hook-afterPowerOn-function').dispatchEvent(new Event('focus'));
    http.expectOne(`${FUNCTIONS_URL}?limit=500`).flush({ items: [{ name: 'warm-up' }, { name: 'check' }], total: 2 });
    fixture.detectChanges();
    const suggested = Array.from(document.body.querySelectorAll<HTMLOptionElement>('#hook-functions option')).map((o) => o.value);
    expect(suggested).toEqual(['check', 'warm-up']);
    internals().form.patchValue({ hooks: { afterPowerOn: { function: 'warm-up', timeoutSeconds: 45, onTimeout: 'continue' } } });
    // OnPush: a form value set from code marks nothing; the review page reads the draft on the next check.
    fixture.debugElement.injector.get(ChangeDetectorRef).markForCheck();
    fixture.detectChanges();
    expect(el('review-hook-afterPowerOn').textContent).toContain('warm-up, waits 45 s, then Continue');
    internals().finish();
    const req = http.expectOne(`${AUTOSCALE_URL}/rules`);
    expect(req.request.body.hooks).toEqual({ afterPowerOn: { function: 'warm-up', timeoutSeconds: 45, onTimeout: 'continue' } });
    req.flush(wireRule({ id: 'new-1' }), { status: 201, statusText: 'Created' });
  });

  it('refuses a timeout outside 1–900 s like the backend', () => {
    fillValid();
    const timeout = internals().form.get(['hooks', 'beforeDrain', 'timeoutSeconds'])!;
    timeout.setValue(0);
    expect(timeout.hasError('min')).toBeTrue();
    timeout.setValue(901);
    expect(timeout.hasError('max')).toBeTrue();
    expect(internals().form.invalid).toBeTrue();
  });

  it('opens an edit with the rule’s hooks and removes one the user cleared', () => {
    const hooks = { beforeDrain: { function: 'drain-check', timeoutSeconds: 10, onTimeout: 'abandon' as const } };
    wizard.edit(toAutoscaleRule(wireRule({ hooks })));
    answerWizardPickers(http);
    http.expectOne(POOLS_URL).flush(wirePools());
    fixture.detectChanges();
    expect(el<HTMLInputElement>('hook-beforeDrain-function').value).toBe('drain-check');
    expect(el<HTMLInputElement>('hook-beforeDrain-timeout').value).toBe('10');
    internals().form.patchValue({ hooks: { beforeDrain: { function: '' } } });
    internals().finish();
    const req = http.expectOne(`${AUTOSCALE_URL}/rules/r-1`);
    expect(req.request.body.hooks).toEqual({});
    req.flush(wireRule());
  });

  it("marks the hook's function field with the backend's 400 (a function of another org, or none)", () => {
    fillValid();
    internals().form.patchValue({ hooks: { afterPowerOn: { function: 'theirs' } } });
    internals().finish();
    http.expectOne(`${AUTOSCALE_URL}/rules`).flush(
      { type: 'https://vcd-serverless.dev/problems/invalid', title: 'Invalid', status: 400, detail: 'invalid rule', errors: [{ path: 'hooks.afterPowerOn.function', message: 'no function "theirs" in this organization' }] },
      { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
    );
    expect(internals().form.get(['hooks', 'afterPowerOn', 'function'])!.getError('server')).toBe('no function "theirs" in this organization');
  });
});
