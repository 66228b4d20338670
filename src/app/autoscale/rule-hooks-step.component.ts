import { ChangeDetectionStrategy, Component, Input, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { ClrFormsModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import type { Hooks, HookOutcome, HookPhase } from '../../../contract/autoscale-hooks';
import { AutoscaleService } from './autoscale.service';
import { integer } from './rule-validators';

/** The hook timeout's bounds, as contract/autoscale-hooks.ts has them. */
export const HOOK_TIMEOUT = { min: 1, max: 900 } as const;
export const HOOK_PHASE_LIST: readonly HookPhase[] = ['afterPowerOn', 'beforeDrain'];

const phaseGroup = () =>
  new FormGroup({
    function: new FormControl('', { nonNullable: true, validators: [Validators.maxLength(63)] }),
    timeoutSeconds: new FormControl(30, { nonNullable: true, validators: [Validators.required, Validators.min(HOOK_TIMEOUT.min), Validators.max(HOOK_TIMEOUT.max), integer] }),
    onTimeout: new FormControl<HookOutcome>('abandon', { nonNullable: true }),
  });
export type HooksForm = FormGroup<{ afterPowerOn: ReturnType<typeof phaseGroup>; beforeDrain: ReturnType<typeof phaseGroup> }>;

/** The wizard's "Lifecycle hooks" page: its form group (an empty function name means no hook). */
export const hooksForm = (): HooksForm => new FormGroup({ afterPowerOn: phaseGroup(), beforeDrain: phaseGroup() });

/** The form's value for a rule's hooks (none: every function empty). */
export function hooksFormValue(hooks: Hooks | undefined) {
  const of = (phase: HookPhase) => ({ function: hooks?.[phase]?.function ?? '', timeoutSeconds: hooks?.[phase]?.timeoutSeconds ?? 30, onTimeout: hooks?.[phase]?.onTimeout ?? ('abandon' as HookOutcome) });
  return { afterPowerOn: of('afterPowerOn'), beforeDrain: of('beforeDrain') };
}

/** The rule's hooks from the form: only phases with a function; undefined when there is none. */
export function hooksOf(form: HooksForm): Hooks | undefined {
  const value = form.getRawValue();
  const hooks: Hooks = {};
  for (const phase of HOOK_PHASE_LIST) {
    const v = value[phase];
    if (v.function.trim()) hooks[phase] = { function: v.function.trim(), timeoutSeconds: Number(v.timeoutSeconds), onTimeout: v.onTimeout };
  }
  return Object.keys(hooks).length > 0 ? hooks : undefined;
}

/**
 * Lifecycle hooks of a rule: after a new VM is powered on (before it joins the pool) and before a VM is drained, one of
 * the org's functions may answer continue or abandon; the timeout and its default outcome are the user's. The
 * function names are suggested from the org's functions when the field is first focused; the backend checks them.
 */
@Component({
  selector: 'vsl-rule-hooks-step',
  standalone: true,
  imports: [ReactiveFormsModule, ClrFormsModule, I18nModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <p class="hint">{{ 'serverless.autoscale.hooks.help' | translate }}</p>
    <form clrForm clrLayout="vertical" [formGroup]="group" novalidate>
      @for (phase of phases; track phase) {
        <fieldset [formGroupName]="phase" [attr.data-test]="'hook-' + phase">
          <legend>{{ 'serverless.autoscale.hooks.' + phase | translate }}</legend>
          <clr-input-container>
            <label [for]="'hook-' + phase + '-function'">{{ 'serverless.autoscale.hooks.function' | translate }}</label>
            <input clrInput [id]="'hook-' + phase + '-function'" formControlName="function" list="hook-functions" autocomplete="off" (focus)="loadFunctions()" [attr.data-test]="'hook-' + phase + '-function'" />
            <clr-control-helper>{{ 'serverless.autoscale.hooks.functionHelp' | translate }}</clr-control-helper>
            <clr-control-error *clrIfError="'server'; error as message" [attr.data-test]="'hook-' + phase + '-error'">{{ message }}</clr-control-error>
          </clr-input-container>
          <clr-number-input-container>
            <label [for]="'hook-' + phase + '-timeout'">{{ 'serverless.autoscale.hooks.timeoutSeconds' | translate }}</label>
            <input clrNumberInput type="number" [id]="'hook-' + phase + '-timeout'" formControlName="timeoutSeconds" [attr.data-test]="'hook-' + phase + '-timeout'" />
            <clr-control-error *clrIfError="'min'">{{ 'serverless.autoscale.errors.min' | translate: timeout.min }}</clr-control-error>
            <clr-control-error *clrIfError="'max'">{{ 'serverless.autoscale.errors.max' | translate: timeout.max }}</clr-control-error>
            <clr-control-error *clrIfError="'required'">{{ 'serverless.autoscale.errors.required' | translate }}</clr-control-error>
            <clr-control-error *clrIfError="'integer'">{{ 'serverless.autoscale.errors.integer' | translate }}</clr-control-error>
          </clr-number-input-container>
          <clr-select-container>
            <label [for]="'hook-' + phase + '-default'">{{ 'serverless.autoscale.hooks.onTimeout' | translate }}</label>
            <select clrSelect [id]="'hook-' + phase + '-default'" formControlName="onTimeout" [attr.data-test]="'hook-' + phase + '-default'">
              <option value="abandon">{{ 'serverless.autoscale.hooks.abandon' | translate }}</option>
              <option value="continue">{{ 'serverless.autoscale.hooks.continue' | translate }}</option>
            </select>
          </clr-select-container>
        </fieldset>
      }
      <datalist id="hook-functions">
        @for (name of functions(); track name) {
          <option [value]="name"></option>
        }
      </datalist>
    </form>
  `,
  styles: [`.hint { color: var(--cds-global-typography-color-300, #565656); } fieldset { margin-top: 0.6rem; } legend { font-weight: 600; }`],
})
export class RuleHooksStepComponent {
  private readonly autoscale = inject(AutoscaleService);
  @Input({ required: true }) group!: HooksForm;
  protected readonly phases = HOOK_PHASE_LIST;
  protected readonly timeout = HOOK_TIMEOUT;
  protected readonly functions = signal<string[]>([]);
  private loaded = false;

  protected loadFunctions(): void {
    if (this.loaded) return;
    this.loaded = true;
    // Only suggestions: when the list cannot be read the user still types a name and the backend checks it.
    this.autoscale.functionNames().subscribe({ next: (names) => this.functions.set(names), error: () => (this.loaded = false) });
  }
}
