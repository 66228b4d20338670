import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { FormGroup } from '@angular/forms';
import { AutoscaleService } from './autoscale.service';
import { providePluginTesting } from '../../testing/plugin-testing';
import { AUTOSCALE_URL, EDGE_ID, TEMPLATE_ID, VAPP_ID, flushVropsGroups, answerWizardPickers, wireEdges, wirePools, wireRule, wireTemplates, wireVApps } from '../../testing/autoscale-testing';
import { toAutoscaleRule, vcdUuid } from './autoscale.model';
import { RuleWizardComponent } from './rule-wizard.component';

/** The wizard's protected members, as the template uses them. */
interface WizardInternals {
  form: FormGroup;
  edgeChanged(): void;
  finish(): void;
}

describe('RuleWizardComponent', () => {
  let fixture: ComponentFixture<RuleWizardComponent>;
  let http: HttpTestingController;
  let wizard: RuleWizardComponent;
  const internals = () => wizard as unknown as WizardInternals;
  const page = (): HTMLElement => document.body;
  const optionsOf = (test: string) => Array.from(page().querySelectorAll<HTMLOptionElement>(`[data-test="${test}"] option`)).filter((o) => o.value !== '');

  beforeEach(() => {
    TestBed.configureTestingModule({ imports: [RuleWizardComponent], providers: [...providePluginTesting(), AutoscaleService] });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(RuleWizardComponent);
    wizard = fixture.componentInstance;
    fixture.detectChanges();
    wizard.start();
    answerWizardPickers(http);
    fixture.detectChanges();
  });

  afterEach(() => {
    flushVropsGroups(http);
    http.verify();
    fixture.destroy();
  });

  function fillValid(): void {
    const form = internals().form;
    form.patchValue({ target: { name: 'web', vAppId: VAPP_ID }, template: { templateId: TEMPLATE_ID }, balancer: { edgeGatewayId: EDGE_ID } });
    internals().edgeChanged();
    http.expectOne(`${AUTOSCALE_URL}/catalog/edge-gateways/${encodeURIComponent(EDGE_ID)}/pools`).flush(wirePools());
    form.patchValue({ balancer: { lbPoolName: 'web-pool' } });
    fixture.detectChanges();
  }

  it("lists the org's vApps, templates, edge gateways and (after an edge is chosen) its pools from vCD", () => {
    expect(optionsOf('pick-vapp').map((o) => o.textContent?.trim())).toEqual(['web — 2 VMs (acme-vdc)']);
    const templates = optionsOf('pick-template');
    expect(templates.map((o) => o.textContent?.trim())).toEqual(['web-template — 1 VM', 'three-tier — 3 VMs']);
    // A template with more than one VM cannot serve a scale-out rule.
    expect(templates.map((o) => o.disabled)).toEqual([false, true]);
    expect(optionsOf('pick-edge').map((o) => o.textContent?.trim())).toEqual(['acme-edge']);
    expect(optionsOf('pick-pool')).toEqual([]);
    fillValid();
    expect(optionsOf('pick-pool').map((o) => o.textContent?.trim())).toEqual(['web-pool — 2 members']);
    expect(internals().form.valid).toBeTrue();
  });

  it('refuses thresholds outside 0–100 and a scale-in threshold not below the scale-out one, like the backend', () => {
    const thresholds = internals().form.get('thresholds')!;
    thresholds.patchValue({ scaleOutCpu: 120 });
    expect(thresholds.get('scaleOutCpu')!.hasError('max')).toBeTrue();
    thresholds.patchValue({ scaleOutCpu: 70, scaleInCpu: -1 });
    expect(thresholds.get('scaleInCpu')!.hasError('min')).toBeTrue();
    thresholds.patchValue({ scaleInCpu: 70 });
    expect(thresholds.get('scaleInCpu')!.hasError('notBelowScaleOut')).toBeTrue();
    expect(thresholds.invalid).toBeTrue();
    thresholds.patchValue({ scaleInCpu: 20, scaleInMemory: 95 });
    expect(thresholds.get('scaleInCpu')!.hasError('notBelowScaleOut')).toBeFalse();
    expect(thresholds.get('scaleInMemory')!.hasError('notBelowScaleOut')).toBeTrue();
    // Raising the scale-out threshold above it clears the error without touching the scale-in field.
    thresholds.patchValue({ scaleOutMemory: 99 });
    expect(thresholds.valid).toBeTrue();
  });

  it('refuses a minimum above the maximum and counts that are not whole numbers', () => {
    const limits = internals().form.get('limits')!;
    limits.patchValue({ minVms: 4, maxVms: 2 });
    expect(limits.get('minVms')!.hasError('aboveMax')).toBeTrue();
    limits.patchValue({ maxVms: 4 });
    expect(limits.get('minVms')!.errors).toBeNull();
    limits.patchValue({ step: 1.5 });
    expect(limits.get('step')!.hasError('integer')).toBeTrue();
    limits.patchValue({ step: 1, evaluationSeconds: 0 });
    expect(limits.get('evaluationSeconds')!.hasError('min')).toBeTrue();
  });

  it('creates the rule from what was picked and tells the page', () => {
    fillValid();
    const created: string[] = [];
    wizard.created.subscribe((rule) => created.push(rule.id));
    internals().finish();
    const req = http.expectOne(`${AUTOSCALE_URL}/rules`);
    expect(req.request.method).toBe('POST');
    // The defaults of the wizard are the backend's own (contract RuleCreateSchema), so the body is the whole rule.
    const { id: _id, createdAt: _c, updatedAt: _u, lastDecision: _l, ...expected } = wireRule();
    expect(req.request.body).toEqual(expected);
    req.flush(wireRule({ id: 'new-1' }), { status: 201, statusText: 'Created' });
    expect(created).toEqual(['new-1']);
  });

  it('sends the cost ceiling in cents and the forecast buffer, and marks the ceiling when the backend finds it below the spend', () => {
    fillValid();
    internals().form.patchValue({ limits: { monthlyCostCeiling: 250.5, scheduleBufferMinutes: 30 } });
    internals().finish();
    const req = http.expectOne(`${AUTOSCALE_URL}/rules`);
    expect(req.request.body).toEqual(jasmine.objectContaining({ monthlyCostCeiling: 25_050, scheduleBufferMinutes: 30 }));
    const message = "must not be below this month's spend so far (300.00 EUR)";
    req.flush(
      { type: 'https://vcd-serverless.dev/problems/invalid', title: 'Invalid', status: 400, detail: `invalid rule: monthlyCostCeiling ${message}`, errors: [{ path: 'monthlyCostCeiling', message }] },
      { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
    );
    expect(internals().form.get(['limits', 'monthlyCostCeiling'])!.getError('server')).toBe(message);
  });

  it('leaves the optional ceiling and buffer out when empty, and refuses a buffer under 5 minutes', () => {
    fillValid();
    internals().form.patchValue({ limits: { scheduleBufferMinutes: 2 } });
    expect(internals().form.get(['limits', 'scheduleBufferMinutes'])!.hasError('min')).toBeTrue();
    internals().form.patchValue({ limits: { scheduleBufferMinutes: null } });
    internals().finish();
    const body = http.expectOne(`${AUTOSCALE_URL}/rules`).request.body;
    expect('monthlyCostCeiling' in body).toBeFalse();
    expect('scheduleBufferMinutes' in body).toBeFalse();
  });

  it("shows the backend's 409 in the wizard and marks the vApp it names", () => {
    fillValid();
    internals().finish();
    http.expectOne(`${AUTOSCALE_URL}/rules`).flush(
      {
        type: 'https://vcd-serverless.dev/problems/conflict',
        title: 'Conflict',
        status: 409,
        detail: 'the vApp already has the autoscale rule "old"',
        errors: [{ path: 'vAppId', message: 'is scaled by rule "old" (r-0)' }],
      },
      { status: 409, statusText: 'Conflict', headers: { 'Content-Type': 'application/problem+json' } },
    );
    fixture.detectChanges();
    expect(page().querySelector('[data-test="wizard-problem"] [data-test="problem-detail"]')?.textContent).toContain('the vApp already has the autoscale rule "old"');
    expect(page().querySelector('[data-test="problem-field-errors"]')?.textContent).toContain('vAppId');
    const vApp = internals().form.get(['target', 'vAppId'])!;
    expect(vApp.getError('server')).toBe('is scaled by rule "old" (r-0)');
    // Finishing again is blocked until the vApp is changed.
    internals().finish();
    http.expectNone(`${AUTOSCALE_URL}/rules`);
  });

  describe('in edit mode', () => {
    const POOLS = `${AUTOSCALE_URL}/catalog/edge-gateways/${encodeURIComponent(EDGE_ID)}/pools`;
    /** Opens the wizard on an existing rule (its vApp named by bare uuid, as the API also accepts) and answers its pickers. */
    function editRule(): void {
      wizard.edit(toAutoscaleRule(wireRule({ vAppId: vcdUuid(VAPP_ID), maxVms: 4, scaleOut: { cpuPercent: 65, memoryPercent: 80 }, enabled: false })));
      http.expectOne(`${AUTOSCALE_URL}/catalog/vapps`).flush(wireVApps());
      http.expectOne(`${AUTOSCALE_URL}/catalog/templates`).flush(wireTemplates());
      http.expectOne(`${AUTOSCALE_URL}/catalog/edge-gateways`).flush(wireEdges());
      http.expectOne(POOLS).flush(wirePools());
      fixture.detectChanges();
    }

    it('opens on the rule with every page prefilled, its pool listed and its vApp selected in the picker', () => {
      editRule();
      expect(page().querySelector('[data-test="wizard-title"]')?.textContent).toContain('Edit autoscale rule web');
      expect(page().querySelector('[data-test="wizard-finish"]')?.textContent).toContain('Save rule');
      const form = internals().form.getRawValue();
      expect(form.target).toEqual({ name: 'web', vAppId: VAPP_ID });
      expect(form.balancer).toEqual({ edgeGatewayId: EDGE_ID, lbPoolName: 'web-pool', vropsGroupId: '' });
      expect(form.thresholds.scaleOutCpu).toBe(65);
      expect(form.limits).toEqual(jasmine.objectContaining({ maxVms: 4, enabled: false }));
      expect(optionsOf('pick-pool').map((o) => o.textContent?.trim())).toEqual(['web-pool — 2 members']);
      expect((page().querySelector('[data-test="pick-vapp"]') as HTMLSelectElement).value).toBe(VAPP_ID);
      expect(internals().form.valid).toBeTrue();
    });

    it('checks an edit as it checks a new rule', () => {
      editRule();
      internals().form.patchValue({ thresholds: { scaleInCpu: 70 } });
      expect(internals().form.get(['thresholds', 'scaleInCpu'])!.hasError('notBelowScaleOut')).toBeTrue();
      internals().finish();
      http.expectNone(`${AUTOSCALE_URL}/rules/r-1`);
    });

    it('saves the whole rule with PUT and tells the page, without creating one', () => {
      editRule();
      const saved: number[] = [];
      const created: string[] = [];
      wizard.saved.subscribe((rule) => saved.push(rule.maxVms));
      wizard.created.subscribe((rule) => created.push(rule.id));
      internals().form.patchValue({ limits: { maxVms: 3 } });
      internals().finish();
      const req = http.expectOne(`${AUTOSCALE_URL}/rules/r-1`);
      expect(req.request.method).toBe('PUT');
      expect(req.request.body).toEqual(jasmine.objectContaining({ name: 'web', vAppId: VAPP_ID, maxVms: 3, scaleOut: { cpuPercent: 65, memoryPercent: 80 }, enabled: false }));
      req.flush(wireRule({ maxVms: 3 }));
      expect(saved).toEqual([3]);
      expect(created).toEqual([]);
    });

    it("marks the field the backend's 400 names, e.g. a template vCD no longer has", () => {
      editRule();
      internals().finish();
      http.expectOne(`${AUTOSCALE_URL}/rules/r-1`).flush(
        { type: 'https://vcd-serverless.dev/problems/invalid', title: 'Invalid', status: 400, detail: 'the rule names vCD objects that do not exist in this org', errors: [{ path: 'templateId', message: 'no such vApp template in this org' }] },
        { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
      );
      expect(internals().form.get(['template', 'templateId'])!.getError('server')).toBe('no such vApp template in this org');
    });
  });
});
