import { ChangeDetectionStrategy, Component, EventEmitter, Input, OnChanges, Output, SimpleChanges } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { ClrCheckboxModule, ClrFormsModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import type { OrgLimits } from '../../../contract/limits';
import { FLAG_FIELDS, NUMBER_FIELDS, type NumberField } from './limits.model';

/** The lowest value each number may take (the backend is the judge; this spares a round trip). */
const MIN: Record<NumberField, number> = { memoryMb: 8, timeoutMs: 10, concurrentCalls: 1, callsPerSecond: 0, functionCallsPerSecond: 0, functions: 0, autoscaleMaxVms: 1 };

const numberControl = (field: NumberField) => new FormControl<number>(MIN[field], { nonNullable: true, validators: [Validators.required, Validators.min(MIN[field])] });

/** Every limit as a Clarity form; emits the whole set on save. Used for the default and for one org. */
@Component({
  selector: 'vsl-limits-form',
  standalone: true,
  imports: [ReactiveFormsModule, ClrFormsModule, ClrCheckboxModule, I18nModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form clrForm clrLayout="horizontal" [formGroup]="form" (ngSubmit)="submit()" novalidate [attr.data-test]="testId">
      @for (field of numbers; track field) {
        <clr-input-container>
          <label [for]="testId + '-' + field">{{ 'serverless.limits.field.' + field | translate }}</label>
          <input clrInput type="number" [id]="testId + '-' + field" [formControlName]="field" [attr.data-test]="'limit-' + field" />
          <clr-control-helper>{{ 'serverless.limits.help.' + field | translate }}</clr-control-helper>
          <clr-control-error>{{ 'serverless.limits.errors.min' | translate: min[field] }}</clr-control-error>
        </clr-input-container>
      }
      <clr-checkbox-container>
        <label>{{ 'serverless.limits.allowed' | translate }}</label>
        @for (field of flags; track field) {
          <clr-checkbox-wrapper>
            <input type="checkbox" clrCheckbox [formControlName]="field" [attr.data-test]="'limit-' + field" />
            <label>{{ 'serverless.limits.field.' + field | translate }}</label>
          </clr-checkbox-wrapper>
        }
      </clr-checkbox-container>
      <button type="submit" class="btn btn-primary" [disabled]="busy" [attr.data-test]="testId + '-save'">{{ 'serverless.limits.save' | translate }}</button>
    </form>
  `,
})
export class LimitsFormComponent implements OnChanges {
  @Input({ required: true }) value!: OrgLimits;
  @Input() testId = 'limits-form';
  @Input() busy = false;
  @Output() readonly save = new EventEmitter<OrgLimits>();

  protected readonly numbers = NUMBER_FIELDS;
  protected readonly flags = FLAG_FIELDS;
  protected readonly min = MIN;
  readonly form = new FormGroup({
    memoryMb: numberControl('memoryMb'),
    timeoutMs: numberControl('timeoutMs'),
    concurrentCalls: numberControl('concurrentCalls'),
    callsPerSecond: numberControl('callsPerSecond'),
    functionCallsPerSecond: numberControl('functionCallsPerSecond'),
    functions: numberControl('functions'),
    autoscaleMaxVms: numberControl('autoscaleMaxVms'),
    containerRuntime: new FormControl(true, { nonNullable: true }),
    egress: new FormControl(true, { nonNullable: true }),
  });

  /** A new value (loaded or saved) replaces what the form holds; a change of busy alone keeps the edits. */
  ngOnChanges(changes: SimpleChanges): void {
    if (changes['value'] && this.value) this.form.reset(this.value);
  }

  protected submit(): void {
    this.form.markAllAsTouched();
    if (this.form.invalid) return;
    this.save.emit(this.form.getRawValue());
  }
}
