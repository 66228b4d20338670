import { ChangeDetectionStrategy, Component, EventEmitter, Input, Output, inject, signal } from '@angular/core';
import { AbstractControl, FormControl, FormGroup, ReactiveFormsModule, ValidationErrors, Validators } from '@angular/forms';
import { ClarityModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import type { Run, Source } from '../../../contract/showback';
import { ApiError } from '../core/api-error';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { ShowbackService } from './showback.service';

/** Days a backfill may cover (the backend's limit). */
export const MAX_BACKFILL_DAYS = 400;

/** from ≤ to, and at most MAX_BACKFILL_DAYS days. */
export function backfillRange(group: AbstractControl): ValidationErrors | null {
  const { from, to } = group.value as { from: string; to: string };
  if (!from || !to) return null;
  if (to < from) return { order: true };
  return (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1 > MAX_BACKFILL_DAYS ? { tooLong: true } : null;
}

/** Backfill of a date range: collects a source again for whole UTC days from..to (e.g. after a rate card change). */
@Component({
  selector: 'vsl-showback-backfill',
  standalone: true,
  imports: [ClarityModule, ReactiveFormsModule, I18nModule, ProblemAlertComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="card" data-test="backfill">
      <div class="card-header">{{ 'serverless.showback.backfill.title' | translate }}</div>
      <div class="card-block">
        <p class="card-text">{{ 'serverless.showback.backfill.intro' | translate }}</p>
        <vsl-problem-alert [error]="error()" [closable]="true" (closed)="error.set(null)" />
        <form clrForm clrLayout="horizontal" [formGroup]="form" (ngSubmit)="submit()" novalidate data-test="backfill-form">
          <clr-select-container>
            <label for="backfill-source">{{ 'serverless.showback.backfill.source' | translate }}</label>
            <select clrSelect id="backfill-source" name="source" formControlName="source" data-test="backfill-source">
              @for (source of sources; track source.id) {
                <option [value]="source.id">{{ source.name }}</option>
              }
            </select>
            <clr-control-error *clrIfError="'required'">{{ 'serverless.showback.backfill.errors.source' | translate }}</clr-control-error>
          </clr-select-container>
          <clr-input-container>
            <label for="backfill-from">{{ 'serverless.showback.range.from' | translate }}</label>
            <input clrInput type="date" id="backfill-from" name="from" formControlName="from" data-test="backfill-from" />
            <clr-control-error *clrIfError="'required'">{{ 'serverless.showback.backfill.errors.date' | translate }}</clr-control-error>
          </clr-input-container>
          <clr-input-container>
            <label for="backfill-to">{{ 'serverless.showback.range.to' | translate }}</label>
            <input clrInput type="date" id="backfill-to" name="to" formControlName="to" data-test="backfill-to" />
            <clr-control-error *clrIfError="'required'">{{ 'serverless.showback.backfill.errors.date' | translate }}</clr-control-error>
          </clr-input-container>
          @if (form.errors && (form.touched || form.dirty)) {
            <div class="clr-subtext error-text" data-test="backfill-range-error">
              {{ (form.errors['order'] ? 'serverless.showback.backfill.errors.order' : 'serverless.showback.backfill.errors.tooLong') | translate: maxDays }}
            </div>
          }
          <button type="submit" class="btn btn-primary" [disabled]="running()" data-test="backfill-submit">{{ 'serverless.showback.backfill.submit' | translate }}</button>
        </form>
        @if (result(); as run) {
          <div data-test="backfill-result" [attr.data-status]="run.status" [class.error-text]="run.status === 'failed'">
            @if (run.status === 'failed') {
              {{ 'serverless.showback.backfill.failed' | translate: { message: run.error ?? '' } }}
            } @else {
              {{ 'serverless.showback.backfill.done' | translate: { '0': run.rowsRead, name: run.rowsWritten } }}
            }
          </div>
        }
      </div>
    </div>
  `,
})
export class ShowbackBackfillComponent {
  private readonly showback = inject(ShowbackService);

  @Input() sources: Source[] = [];
  /** A backfill finished (the list shows its run). */
  @Output() readonly done = new EventEmitter<Run>();

  protected readonly maxDays = MAX_BACKFILL_DAYS;
  protected readonly running = signal(false);
  readonly error = signal<ApiError | null>(null);
  readonly result = signal<Run | null>(null);

  readonly form = new FormGroup(
    {
      source: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
      from: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
      to: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
    },
    { validators: backfillRange },
  );

  submit(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const { source, from, to } = this.form.getRawValue();
    this.running.set(true);
    this.error.set(null);
    this.result.set(null);
    this.showback.runSource(source, { from, to }).subscribe({
      next: (run) => {
        this.running.set(false);
        this.result.set(run);
        this.done.emit(run);
      },
      error: (error: ApiError) => {
        this.running.set(false);
        this.error.set(error);
      },
    });
  }
}
