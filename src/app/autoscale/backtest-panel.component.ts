import { ChangeDetectionStrategy, Component, Input, LOCALE_ID, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { ChartConfiguration } from 'chart.js';
import { ClrFormsModule, ClrSpinnerModule } from '@clr/angular';
import { I18nModule, TranslationService } from '@vcd/i18n';
import { ApiError } from '../core/api-error';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { ChartCanvasComponent } from '../shared/chart-canvas.component';
import { BacktestView, RuleDraft } from './autoscale.model';
import { AutoscaleService } from './autoscale.service';
import { toBacktestChartConfig } from './backtest-chart';
import { metricPalette } from './time-chart';

/** Windows a user may replay (the backend takes 1–30 days). */
export const BACKTEST_DAYS = [1, 7, 14, 30] as const;

/**
 * "What would this rule have done?": replays the draft over the vApp's last days of vCD metrics (the wizard's review
 * page), then shows VM-hours against the vApp's real ones, the minutes above the scale-out threshold, the actions and
 * the chart. Runs only when asked: a replay reads days of samples from vCD.
 */
@Component({
  selector: 'vsl-backtest-panel',
  standalone: true,
  imports: [FormsModule, ClrFormsModule, ClrSpinnerModule, I18nModule, ProblemAlertComponent, ChartCanvasComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="backtest" data-test="backtest-panel">
      <h4>{{ 'serverless.autoscale.backtest.title' | translate }}</h4>
      <p class="hint">{{ 'serverless.autoscale.backtest.intro' | translate }}</p>
      <div class="controls">
        <label for="backtest-days">{{ 'serverless.autoscale.backtest.days' | translate }}</label>
        <select id="backtest-days" class="clr-select" [(ngModel)]="days" data-test="backtest-days">
          @for (d of dayOptions; track d) {
            <option [ngValue]="d">{{ 'serverless.autoscale.backtest.daysOption' | translate: d }}</option>
          }
        </select>
        <button type="button" class="btn btn-sm btn-outline" (click)="run()" [disabled]="running()" data-test="backtest-run">{{ 'serverless.autoscale.backtest.run' | translate }}</button>
        @if (running()) {
          <clr-spinner clrInline>{{ 'serverless.autoscale.backtest.running' | translate }}</clr-spinner>
        }
      </div>
      <vsl-problem-alert [error]="error()" data-test="backtest-problem" />
      @if (result(); as r) {
        <dl class="summary" data-test="backtest-summary">
          <dt>{{ 'serverless.autoscale.backtest.vmHours' | translate }}</dt>
          <dd data-test="backtest-vm-hours">{{ 'serverless.autoscale.backtest.vmHoursValue' | translate: { rule: round(r.summary.vmHours), actual: round(r.summary.actualVmHours) } }}</dd>
          <dt>{{ 'serverless.autoscale.backtest.above' | translate }}</dt>
          <dd data-test="backtest-above">{{ 'serverless.autoscale.backtest.aboveValue' | translate: { minutes: round(r.summary.minutesAboveScaleOut) } }}</dd>
          <dt>{{ 'serverless.autoscale.backtest.actions' | translate }}</dt>
          <dd data-test="backtest-actions">{{ 'serverless.autoscale.backtest.actionsValue' | translate: { out: r.summary.scaleOuts, in: r.summary.scaleIns, peak: r.summary.peakVms } }}</dd>
        </dl>
        @if (r.cost; as c) {
          <p data-test="backtest-cost">{{ 'serverless.autoscale.backtest.costValue' | translate: { rule: money(c.cost, c.currency), actual: money(c.actualCost, c.currency), vmHour: money(c.vmHourPrice, c.currency) } }}</p>
        } @else {
          <p class="hint" data-test="backtest-no-cost">{{ 'serverless.autoscale.backtest.noCost' | translate }}</p>
        }
        <vsl-chart-canvas [configure]="configure" [height]="220" [ariaLabel]="'serverless.autoscale.backtest.title' | translate" data-test="backtest-chart" />
      }
    </section>
  `,
  styles: [
    `.controls { display: flex; gap: 0.5rem; align-items: center; } .controls .btn { margin: 0; }
     dl.summary { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; margin: 0.5rem 0; } dl.summary dt { font-weight: 600; } dl.summary dd { margin: 0; }
     .hint { color: var(--cds-global-typography-color-300, #565656); }`,
  ],
})
export class BacktestPanelComponent {
  private readonly autoscale = inject(AutoscaleService);
  private readonly translations = inject(TranslationService);
  private readonly locale = inject(LOCALE_ID, { optional: true }) ?? 'en';

  /** The draft as it stands when Backtest is pressed (the wizard's form). */
  @Input({ required: true }) draftOf!: () => RuleDraft;

  protected readonly dayOptions = BACKTEST_DAYS;
  protected days = 7;
  protected readonly running = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly result = signal<BacktestView | null>(null);
  protected configure: () => ChartConfiguration | null = () => null;

  /** Forgets the last replay (the wizard opened again). */
  reset(): void {
    this.result.set(null);
    this.error.set(null);
  }

  protected run(): void {
    const draft = this.draftOf();
    this.running.set(true);
    this.error.set(null);
    this.autoscale.backtest(draft, this.days).subscribe({
      next: (result) => {
        this.running.set(false);
        this.configure = () => toBacktestChartConfig({ result, scaleOut: draft.scaleOut, texts: this.texts(), locale: this.locale, palette: metricPalette() }) as ChartConfiguration;
        this.result.set(result);
      },
      error: (error: ApiError) => {
        this.running.set(false);
        this.result.set(null);
        this.error.set(error);
      },
    });
  }

  /** Minor units as major units with the currency. */
  protected money(minor: number, currency: string): string {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }

  protected round(value: number): number {
    return Math.round(value * 10) / 10;
  }

  private texts() {
    const t = (key: string) => this.translations.translate(`serverless.autoscale.backtest.chart.${key}`);
    return { cpu: t('cpu'), memory: t('memory'), vms: t('vms'), actualVms: t('actualVms'), scaleOutCpu: t('scaleOutCpu') };
  }
}
