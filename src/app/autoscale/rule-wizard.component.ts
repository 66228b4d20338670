import { ChangeDetectionStrategy, Component, EventEmitter, Output, ViewChild, WritableSignal, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { ClrFormsModule, ClrWizard, ClrWizardModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import { Observable } from 'rxjs';
import { ApiError } from '../core/api-error';
import { AutoscaleRule, PickerOption, RuleDraft, fromRuleDraft, toRuleDraft, vcdUuid } from './autoscale.model';
import { AutoscaleService } from './autoscale.service';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { VropsGroupPickerComponent } from './vrops-group-picker.component';
import { BacktestPanelComponent } from './backtest-panel.component';
import { NumberStepLabelsDirective } from '../shared/number-step-labels.directive';
import { RuleBehaviourComponent } from './rule-behaviour.component';
import { HOOK_PHASE_LIST, RuleHooksStepComponent, hooksForm, hooksFormValue, hooksOf } from './rule-hooks-step.component';
import { RuleSchedulesReviewComponent, RuleSchedulesStepComponent } from './rule-schedules-step.component';
import { fillSchedules, schedulesForm, schedulesOf, windowsWithinRule } from './schedule-window';
import { RULE_LIMITS, RULE_NAME_MAX_LENGTH, bounded, minNotAboveMax, optionalBounded, ruleName, scaleInBelowScaleOut } from './rule-validators';

const num = (value: number, range: { min: number; max: number }) => new FormControl<number>(value, { nonNullable: true, validators: bounded(range) });
const optionalNum = (range: { min: number; max: number }, whole: boolean) => new FormControl<number | null>(null, { validators: optionalBounded(range, whole) });
/** An optional field left empty: omitted on create, null on an edit of a rule that had it (clears it). */
const emptied = (had: unknown) => (had !== undefined && had !== null ? null : undefined);

/** Where a backend field error (dotted path) belongs in the wizard: [page group, control]. */
const CONTROL_OF_PATH: Record<string, [string, string]> = {
  name: ['target', 'name'],
  vAppId: ['target', 'vAppId'],
  templateId: ['template', 'templateId'],
  edgeGatewayId: ['balancer', 'edgeGatewayId'],
  lbPoolName: ['balancer', 'lbPoolName'],
  'scaleOut.cpuPercent': ['thresholds', 'scaleOutCpu'],
  'scaleOut.memoryPercent': ['thresholds', 'scaleOutMemory'],
  'scaleIn.cpuPercent': ['thresholds', 'scaleInCpu'],
  'scaleIn.memoryPercent': ['thresholds', 'scaleInMemory'],
  minVms: ['limits', 'minVms'],
  maxVms: ['limits', 'maxVms'],
  step: ['limits', 'step'],
  cooldownSeconds: ['limits', 'cooldownSeconds'],
  stabilizationSeconds: ['limits', 'stabilizationSeconds'],
  evaluationSeconds: ['limits', 'evaluationSeconds'],
  monthlyCostCeiling: ['limits', 'monthlyCostCeiling'],
  scheduleBufferMinutes: ['limits', 'scheduleBufferMinutes'],
  'hooks.afterPowerOn.function': ['hooks', 'afterPowerOn.function'],
  'hooks.beforeDrain.function': ['hooks', 'beforeDrain.function'],
};

/**
 * The "New rule" wizard: target vApp → template → load balancer → thresholds → limits → hooks → schedule → review. Its pickers list
 * the org's real vCD objects from the backend; each page checks what the backend would, and the backend's
 * problems (a vApp that already has a rule, a reference vCD does not know) come back on the review page.
 * `edit(rule)` opens the same pages prefilled with a rule and saves with PUT; the review page can backtest the draft.
 */
@Component({
  selector: 'vsl-rule-wizard',
  standalone: true,
  imports: [ReactiveFormsModule, ClrWizardModule, ClrFormsModule, I18nModule, NumberStepLabelsDirective, ProblemAlertComponent, RuleBehaviourComponent, BacktestPanelComponent, VropsGroupPickerComponent, RuleHooksStepComponent, RuleSchedulesStepComponent, RuleSchedulesReviewComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './rule-wizard.component.html',
  styles: [
    `.review dt { font-weight: 600; } .review dd { margin: 0 0 0.4rem 0; } .hint { color: var(--cds-global-typography-color-300, #565656); }
     .two { display: grid; grid-template-columns: 1fr 1fr; column-gap: 1.5rem; }`,
  ],
})
export class RuleWizardComponent {
  private readonly autoscale = inject(AutoscaleService);
  @ViewChild(ClrWizard) private readonly wizard?: ClrWizard;
  @ViewChild(BacktestPanelComponent) private readonly backtest?: BacktestPanelComponent;
  @Output() readonly created = new EventEmitter<AutoscaleRule>();
  /** Edit mode: the rule as the backend saved it. */
  @Output() readonly saved = new EventEmitter<AutoscaleRule>();

  /** The rule being edited; null when creating one. */
  protected readonly editing = signal<AutoscaleRule | null>(null);
  /** The review page's backtest reads the form when it runs. */
  protected readonly currentDraft = () => this.draft();
  protected readonly open = signal(false);
  protected readonly saving = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly pickerError = signal<ApiError | null>(null);
  protected readonly vApps = signal<PickerOption[] | null>(null);
  protected readonly templates = signal<PickerOption[] | null>(null);
  protected readonly edges = signal<PickerOption[] | null>(null);
  protected readonly pools = signal<PickerOption[] | null>(null);
  protected readonly nameMaxLength = RULE_NAME_MAX_LENGTH;
  protected readonly limits = RULE_LIMITS;
  protected readonly hookPhases = HOOK_PHASE_LIST;

  protected readonly form = new FormGroup({
    target: new FormGroup({
      name: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.maxLength(RULE_NAME_MAX_LENGTH), ruleName] }),
      vAppId: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
    }),
    template: new FormGroup({ templateId: new FormControl('', { nonNullable: true, validators: [Validators.required] }) }),
    balancer: new FormGroup({
      edgeGatewayId: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
      lbPoolName: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
      vropsGroupId: new FormControl('', { nonNullable: true }),
    }),
    thresholds: new FormGroup(
      {
        scaleOutCpu: num(70, RULE_LIMITS.percent),
        scaleOutMemory: num(80, RULE_LIMITS.percent),
        scaleInCpu: num(20, RULE_LIMITS.percent),
        scaleInMemory: num(30, RULE_LIMITS.percent),
      },
      { validators: scaleInBelowScaleOut },
    ),
    limits: new FormGroup(
      {
        minVms: num(1, RULE_LIMITS.vms),
        maxVms: num(5, RULE_LIMITS.vms),
        step: num(1, RULE_LIMITS.step),
        cooldownSeconds: num(120, RULE_LIMITS.cooldownSeconds),
        stabilizationSeconds: num(300, RULE_LIMITS.stabilizationSeconds),
        evaluationSeconds: num(60, RULE_LIMITS.evaluationSeconds),
        enabled: new FormControl(true, { nonNullable: true }),
        monthlyCostCeiling: optionalNum(RULE_LIMITS.monthlyCostCeiling, false),
        scheduleBufferMinutes: optionalNum(RULE_LIMITS.scheduleBufferMinutes, true),
      },
      { validators: minNotAboveMax },
    ),
    hooks: hooksForm(),
    schedules: schedulesForm(),
  }, { validators: windowsWithinRule });

  /** Opens the wizard on its first page with fresh pickers. */
  start(): void {
    this.editing.set(null);
    this.form.reset();
    fillSchedules(this.form.controls.schedules, []);
    this.openFresh();
  }

  /** Opens the wizard on an existing rule: the same pages and checks, prefilled; Finish saves the whole rule. */
  edit(rule: AutoscaleRule): void {
    this.editing.set(rule);
    const d = toRuleDraft(rule);
    this.form.reset({
      target: { name: d.name, vAppId: d.vAppId },
      template: { templateId: d.templateId },
      balancer: { edgeGatewayId: d.edgeGatewayId, lbPoolName: d.lbPoolName, vropsGroupId: d.vropsGroupId ?? '' },
      thresholds: { scaleOutCpu: d.scaleOut.cpuPercent, scaleOutMemory: d.scaleOut.memoryPercent, scaleInCpu: d.scaleIn.cpuPercent, scaleInMemory: d.scaleIn.memoryPercent },
      limits: { minVms: d.minVms, maxVms: d.maxVms, step: d.step, cooldownSeconds: d.cooldownSeconds, stabilizationSeconds: d.stabilizationSeconds, evaluationSeconds: d.evaluationSeconds, enabled: d.enabled,
        monthlyCostCeiling: d.monthlyCostCeiling != null ? d.monthlyCostCeiling / 100 : null, scheduleBufferMinutes: d.scheduleBufferMinutes ?? null },
      hooks: hooksFormValue(d.hooks),
    });
    fillSchedules(this.form.controls.schedules, d.schedules);
    this.openFresh();
    this.load(this.autoscale.pools(d.edgeGatewayId), this.pools);
  }

  private openFresh(): void {
    this.error.set(null);
    this.pickerError.set(null);
    this.pools.set(null);
    this.backtest?.reset();
    this.wizard?.reset();
    this.open.set(true);
    this.load(this.autoscale.vApps(), this.vApps, () => this.matchPicked(this.form.controls.target.controls.vAppId, this.vApps()));
    this.load(this.autoscale.templates(), this.templates);
    this.load(this.autoscale.edgeGateways(), this.edges);
  }

  /** A rule may name its vApp as a bare uuid: select the picker's entry for it (the backend accepts either). */
  private matchPicked(control: FormControl<string>, options: PickerOption[] | null): void {
    const value = control.value;
    const option = value ? options?.find((o) => o.id !== value && vcdUuid(o.id) === vcdUuid(value)) : undefined;
    if (option) control.setValue(option.id);
  }

  protected edgeChanged(): void {
    const edgeId = this.form.controls.balancer.controls.edgeGatewayId.value;
    this.form.controls.balancer.controls.lbPoolName.reset('');
    this.pools.set(null);
    if (edgeId) this.load(this.autoscale.pools(edgeId), this.pools);
  }

  protected nameOf(options: PickerOption[] | null, id: string): string {
    return options?.find((o) => o.id === id)?.name ?? id;
  }

  protected draft(): RuleDraft {
    const { target, template, balancer, thresholds: t, limits: l } = this.form.getRawValue();
    return {
      name: target.name,
      vAppId: target.vAppId,
      templateId: template.templateId,
      edgeGatewayId: balancer.edgeGatewayId,
      lbPoolName: balancer.lbPoolName,
      scaleOut: { cpuPercent: Number(t.scaleOutCpu), memoryPercent: Number(t.scaleOutMemory) },
      scaleIn: { cpuPercent: Number(t.scaleInCpu), memoryPercent: Number(t.scaleInMemory) },
      minVms: Number(l.minVms),
      maxVms: Number(l.maxVms),
      step: Number(l.step),
      cooldownSeconds: Number(l.cooldownSeconds),
      stabilizationSeconds: Number(l.stabilizationSeconds),
      evaluationSeconds: Number(l.evaluationSeconds),
      enabled: l.enabled,
      // The wizard asks for the ceiling in the currency's major units; the rule keeps cents.
      monthlyCostCeiling: l.monthlyCostCeiling != null && String(l.monthlyCostCeiling) !== '' ? Math.round(Number(l.monthlyCostCeiling) * 100) : emptied(this.editing()?.monthlyCostCeiling),
      scheduleBufferMinutes: l.scheduleBufferMinutes != null && String(l.scheduleBufferMinutes) !== '' ? Number(l.scheduleBufferMinutes) : emptied(this.editing()?.scheduleBufferMinutes),
      // None picked: omitted on create, null on an edit of a rule that had a group (clears it).
      vropsGroupId: balancer.vropsGroupId || (this.editing()?.vropsGroupId ? null : undefined),
      ...(hooksOf(this.form.controls.hooks) ? { hooks: hooksOf(this.form.controls.hooks) } : {}),
      // No windows: omitted on create, [] on an edit of a rule that had some (removes them); an edit sends them all.
      schedules: this.form.controls.schedules.length > 0 ? schedulesOf(this.form.controls.schedules) : this.editing()?.schedules?.length ? [] : undefined,
    };
  }

  /** The review page's Finish: the wizard stays open until the backend accepted the rule. */
  protected finish(): void {
    if (this.form.invalid || this.saving()) return;
    this.saving.set(true);
    this.error.set(null);
    const editing = this.editing();
    const call = editing ? this.autoscale.update(editing.id, { ...fromRuleDraft(this.draft()), hooks: this.draft().hooks ?? {} }) : this.autoscale.create(this.draft());
    call.subscribe({
      next: (rule) => {
        this.saving.set(false);
        this.wizard?.forceFinish();
        this.open.set(false);
        (editing ? this.saved : this.created).emit(rule);
      },
      error: (error: ApiError) => {
        this.saving.set(false);
        this.error.set(error);
        this.markServerErrors(error);
      },
    });
  }

  private markServerErrors(error: ApiError): void {
    for (const fieldError of error.fieldErrors) {
      const [group, name] = CONTROL_OF_PATH[fieldError.path] ?? [];
      // Schedule windows sit in an array: `schedules.0.cron`, `schedules.1` (an overlap) name their control as is.
      const path = fieldError.path.startsWith('schedules') ? fieldError.path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : null;
      const control = path ? this.form.get(path) : group ? this.form.get([group, ...name.split('.')]) : null;
      if (!control) continue;
      control.setErrors({ ...(control.errors ?? {}), server: fieldError.message });
      control.markAsTouched();
    }
  }

  private load(source: Observable<PickerOption[]>, target: WritableSignal<PickerOption[] | null>, loaded?: () => void): void {
    target.set(null);
    source.subscribe({
      next: (options) => (target.set(options), loaded?.()),
      error: (error: ApiError) => (target.set([]), this.pickerError.set(error)),
    });
  }
}
