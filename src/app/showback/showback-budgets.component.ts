import { ChangeDetectionStrategy, Component, LOCALE_ID, OnInit, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { ClarityModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import { forkJoin } from 'rxjs';
import type { Alert, AlertDetail, Budget, CreateBudgetRequest } from '../../../contract/showback-budgets';
import { ApiError } from '../core/api-error';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { AnomalySettingsComponent } from './anomaly-settings.component';
import { BudgetListComponent } from './budget-list.component';
import { formatMoney } from '../shared/money';
import { formatDate, formatInstant } from './showback.model';
import { ShowbackService } from './showback.service';

export type BudgetScope = 'org' | 'service' | 'vapp';
const PERCENT = [Validators.min(0), Validators.max(1000)];

/** What the form holds → the API's request: money in minor units, empty thresholds, webhook and function left out. */
export function budgetRequest(v: { name: string; amount: number; scope: BudgetScope; scopeValue: string; actualPct: number | null; forecastPct: number | null; webhookUrl: string; function?: string }): CreateBudgetRequest {
  const thresholds: CreateBudgetRequest['thresholds'] = [];
  if (v.actualPct !== null && `${v.actualPct}` !== '') thresholds.push({ type: 'actual', percent: Number(v.actualPct) });
  if (v.forecastPct !== null && `${v.forecastPct}` !== '') thresholds.push({ type: 'forecast', percent: Number(v.forecastPct) });
  return {
    name: v.name.trim(),
    amount: Math.round(Number(v.amount) * 100),
    ...(v.scope === 'service' ? { service: v.scopeValue.trim() } : {}),
    ...(v.scope === 'vapp' ? { vappId: v.scopeValue.trim() } : {}),
    ...(thresholds.length ? { thresholds } : {}),
    ...(v.webhookUrl.trim() ? { webhookUrl: v.webhookUrl.trim() } : {}),
    ...(v.function?.trim() ? { function: v.function.trim() } : {}),
  };
}

/** The Budgets page: the org's budgets with their state, a form to add one, the alerts and each alert's webhook deliveries. */
@Component({
  selector: 'vsl-showback-budgets',
  standalone: true,
  imports: [ClarityModule, ReactiveFormsModule, I18nModule, RouterLink, ProblemAlertComponent, BudgetListComponent, AnomalySettingsComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './showback-budgets.component.html',
  styles: [
    `
      .title-row { display: flex; align-items: baseline; gap: 1rem; }
      .toolbar { display: flex; gap: 0.5rem; margin: 0.5rem 0; } .toolbar .btn { margin: 0; }
      .secret { font-family: monospace; word-break: break-all; }
      .deliveries { margin: 0.5rem 0 0 1rem; }
    `,
  ],
})
export class ShowbackBudgetsComponent implements OnInit {
  private readonly showback = inject(ShowbackService);
  private readonly locale = inject(LOCALE_ID, { optional: true }) ?? 'en';

  readonly budgets = signal<Budget[]>([]);
  readonly alerts = signal<Alert[]>([]);
  readonly detail = signal<AlertDetail | null>(null);
  readonly error = signal<ApiError | null>(null);
  readonly formError = signal<ApiError | null>(null);
  readonly saving = signal(false);
  /** The org's webhook secret, shown once after the answer that made it. */
  readonly secret = signal<string | null>(null);
  readonly checked = signal<number | null>(null);

  readonly form = new FormGroup({
    name: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.maxLength(100)] }),
    amount: new FormControl<number | null>(null, { validators: [Validators.required, Validators.min(0.01)] }),
    scope: new FormControl<BudgetScope>('org', { nonNullable: true }),
    scopeValue: new FormControl('', { nonNullable: true }),
    actualPct: new FormControl<number | null>(80, { validators: PERCENT }),
    forecastPct: new FormControl<number | null>(100, { validators: PERCENT }),
    webhookUrl: new FormControl('', { nonNullable: true, validators: [Validators.pattern(/^(https?:\/\/\S+)?$/)] }),
    function: new FormControl('', { nonNullable: true }),
  });

  ngOnInit(): void {
    this.refresh();
  }

  refresh(): void {
    forkJoin({ budgets: this.showback.budgets(), alerts: this.showback.alerts() }).subscribe({
      next: ({ budgets, alerts }) => {
        this.budgets.set(budgets);
        this.alerts.set(alerts);
        this.error.set(null);
      },
      error: (e: ApiError) => this.error.set(e),
    });
  }

  submit(): void {
    this.form.markAllAsTouched();
    if (this.form.invalid) return;
    const v = this.form.getRawValue();
    this.saving.set(true);
    this.showback.createBudget(budgetRequest({ ...v, amount: Number(v.amount) })).subscribe({
      next: (budget) => {
        this.saving.set(false);
        this.formError.set(null);
        if (budget.webhookSecret) this.secret.set(budget.webhookSecret);
        this.form.reset();
        this.refresh();
      },
      error: (e: ApiError) => {
        this.saving.set(false);
        this.formError.set(e);
      },
    });
  }

  remove(budget: Budget): void {
    this.showback.deleteBudget(budget.id).subscribe({ next: () => this.refresh(), error: (e: ApiError) => this.error.set(e) });
  }

  check(): void {
    this.showback.checkBudgets().subscribe({
      next: (result) => {
        this.checked.set(result.alerts.length);
        this.refresh();
      },
      error: (e: ApiError) => this.error.set(e),
    });
  }

  rotateSecret(): void {
    this.showback.rotateWebhookSecret().subscribe({ next: (s) => this.secret.set(s.secret), error: (e: ApiError) => this.error.set(e) });
  }

  showDeliveries(alert: Alert): void {
    if (this.detail()?.id === alert.id) return this.detail.set(null);
    this.showback.alert(alert.id).subscribe({ next: (d) => this.detail.set(d), error: (e: ApiError) => this.error.set(e) });
  }

  protected money(minor: number, currency: string): string {
    return formatMoney(minor, currency, this.locale);
  }

  protected day(day: string): string {
    return formatDate(day, this.locale);
  }

  protected instant(iso: string): string {
    return formatInstant(iso, this.locale);
  }
}
