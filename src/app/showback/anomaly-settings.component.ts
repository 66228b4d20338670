import { ChangeDetectionStrategy, Component, EventEmitter, OnInit, Output, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { ClarityModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import { ApiError } from '../core/api-error';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { ShowbackService } from './showback.service';

/** Where the org's cost anomaly alerts go (a webhook, a function), on the Budgets page beside the budget alerts. */
@Component({
  selector: 'vsl-anomaly-settings',
  standalone: true,
  imports: [ClarityModule, ReactiveFormsModule, I18nModule, ProblemAlertComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="card" data-test="anomaly-settings">
      <div class="card-header">{{ 'serverless.showback.anomalies.settingsTitle' | translate }}</div>
      <div class="card-block">
        <p class="card-text">{{ 'serverless.showback.anomalies.settingsHelp' | translate }}</p>
        <vsl-problem-alert [error]="error()" [closable]="true" (closed)="error.set(null)" />
        <form clrForm clrLayout="vertical" [formGroup]="form" (ngSubmit)="save()" novalidate>
          <clr-input-container>
            <label for="anomaly-webhook">{{ 'serverless.showback.budgets.webhookUrl' | translate }}</label>
            <input clrInput id="anomaly-webhook" formControlName="webhookUrl" autocomplete="off" data-test="anomaly-webhook" />
            <clr-control-error *clrIfError="'pattern'">{{ 'serverless.showback.sources.errors.urlInvalid' | translate }}</clr-control-error>
          </clr-input-container>
          <clr-input-container>
            <label for="anomaly-function">{{ 'serverless.showback.budgets.function' | translate }}</label>
            <input clrInput id="anomaly-function" formControlName="function" autocomplete="off" data-test="anomaly-function" />
            <clr-control-helper>{{ 'serverless.showback.anomalies.functionHelp' | translate }}</clr-control-helper>
          </clr-input-container>
          <button type="submit" class="btn btn-outline" [disabled]="saving()" data-test="anomaly-settings-save">{{ 'serverless.showback.anomalies.save' | translate }}</button>
          @if (saved()) {
            <span class="saved" data-test="anomaly-settings-saved">{{ 'serverless.showback.anomalies.saved' | translate }}</span>
          }
        </form>
      </div>
    </div>
  `,
  styles: [`.saved { margin-left: 0.5rem; }`],
})
export class AnomalySettingsComponent implements OnInit {
  private readonly showback = inject(ShowbackService);
  /** The org's webhook secret when saving made it (shown once, by the page). */
  @Output() readonly secret = new EventEmitter<string>();

  readonly error = signal<ApiError | null>(null);
  readonly saving = signal(false);
  readonly saved = signal(false);
  readonly form = new FormGroup({
    webhookUrl: new FormControl('', { nonNullable: true, validators: [Validators.pattern(/^(https?:\/\/\S+)?$/)] }),
    function: new FormControl('', { nonNullable: true }),
  });

  ngOnInit(): void {
    this.showback.anomalySettings().subscribe({
      next: (s) => this.form.setValue({ webhookUrl: s.webhookUrl ?? '', function: s.function ?? '' }),
      error: (e: ApiError) => this.error.set(e),
    });
  }

  save(): void {
    this.form.markAllAsTouched();
    if (this.form.invalid) return;
    const v = this.form.getRawValue();
    this.saving.set(true);
    this.saved.set(false);
    this.showback.saveAnomalySettings({ webhookUrl: v.webhookUrl.trim() || null, function: v.function.trim() || null }).subscribe({
      next: (s) => {
        this.saving.set(false);
        this.saved.set(true);
        this.error.set(null);
        if (s.webhookSecret) this.secret.emit(s.webhookSecret);
      },
      error: (e: ApiError) => {
        this.saving.set(false);
        this.error.set(e);
      },
    });
  }
}
