import { ChangeDetectionStrategy, Component, DestroyRef, LOCALE_ID, OnInit, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { ClarityModule } from '@clr/angular';
import { I18nModule, TranslationService } from '@vcd/i18n';
import { Subscription, forkJoin } from 'rxjs';
import type { Breakdown, BreakdownDimension, Daily, Monthly, Summary } from '../../../contract/showback';
import type { Anomaly } from '../../../contract/showback-anomalies';
import type { Budget } from '../../../contract/showback-budgets';
import { anomalySeries, withAnomalies } from './anomaly-marks';
import { ApiError } from '../core/api-error';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { formatMoney } from '../shared/money';
import { saveBlob } from '../shared/save-blob';
import { BudgetListComponent } from './budget-list.component';
import { ChartComponent } from './chart.component';
import { ChartTexts } from './chart-config';
import {
  ChartData,
  DayRange,
  GROUP_BY,
  RANGE_PRESETS,
  RangePreset,
  breakdownChart,
  dailyChart,
  formatDate,
  formatInstant,
  formatShare,
  isEmpty,
  monthlyChart,
  presetRange,
  readPalette,
  toKpis,
} from './showback.model';
import { ShowbackService } from './showback.service';

export const MONTH_CHOICES = [3, 6, 12] as const;

/** The showback dashboard: KPI cards, monthly bars by service, daily line with forecast band, doughnut, top list. */
@Component({
  selector: 'vsl-showback-dashboard',
  standalone: true,
  imports: [ClarityModule, FormsModule, I18nModule, RouterLink, ProblemAlertComponent, ChartComponent, BudgetListComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './showback-dashboard.component.html',
  styles: [
    `
      .title-row { display: flex; align-items: baseline; gap: 1rem; }
      .toolbar { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 1rem; margin: 0.5rem 0; }
      .toolbar .clr-form-control { margin-top: 0; }
      .toolbar-buttons .btn { margin: 0 0.5rem 0 0; }
      .data-as-of { margin-top: 0.25rem; color: var(--cds-global-typography-color-300, inherit); }
      .kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0.75rem; margin-top: 0.5rem; }
      .kpis .card { margin-top: 0; }
      .kpi-label { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.04em; }
      .kpi-value { font-size: 1.5rem; font-weight: 500; margin: 0.25rem 0; }
      .kpi-note { font-size: 0.75rem; }
      .charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0.75rem; margin-top: 0.75rem; }
      .charts .card { margin-top: 0; }
      .chart-header { display: flex; justify-content: space-between; align-items: center; }
      .top-table { margin-top: 0; }
      .empty-state { margin-top: 1rem; }
      .anomalies h4 { margin-top: 0.5rem; font-size: 0.875rem; }
      .anomalies li { margin: 0.25rem 0; }
      .loading { margin: 1rem 0; }
      @media (max-width: 900px) { .charts { grid-template-columns: minmax(0, 1fr); } }
    `,
  ],
})
export class ShowbackDashboardComponent implements OnInit {
  private readonly showback = inject(ShowbackService);
  private readonly translations = inject(TranslationService);
  protected readonly locale = inject(LOCALE_ID, { optional: true }) ?? 'en';
  private loading$?: Subscription;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.loading$?.unsubscribe());
  }

  protected readonly presets = RANGE_PRESETS;
  protected readonly groupChoices = GROUP_BY;
  protected readonly monthChoices = MONTH_CHOICES;

  protected preset: RangePreset = 'thisMonth';
  protected range: DayRange = presetRange('thisMonth', today());
  protected groupBy: BreakdownDimension = 'service';
  protected months = 6;

  readonly summary = signal<Summary | null>(null);
  readonly monthly = signal<Monthly | null>(null);
  readonly daily = signal<Daily | null>(null);
  readonly byService = signal<Breakdown | null>(null);
  readonly top = signal<Breakdown | null>(null);
  /** Loaded beside the figures: a budget read that fails leaves the dashboard as it is. */
  readonly budgets = signal<Budget[]>([]);
  /** The range's cost anomalies, loaded beside the figures like the budgets. */
  readonly anomalies = signal<Anomaly[]>([]);
  protected readonly loading = signal(true);
  protected readonly exporting = signal(false);
  protected readonly error = signal<ApiError | null>(null);

  readonly kpis = computed(() => {
    const summary = this.summary();
    return summary ? toKpis(summary, this.locale) : null;
  });
  readonly empty = computed(() => {
    const summary = this.summary();
    return summary !== null && isEmpty(summary);
  });
  readonly monthlyData = computed<ChartData | null>(() => {
    const monthly = this.monthly();
    return monthly ? monthlyChart(monthly, this.locale, readPalette()) : null;
  });
  readonly dailyData = computed<ChartData | null>(() => {
    const daily = this.daily();
    if (!daily) return null;
    const palette = readPalette();
    const label = this.translations.translate('serverless.showback.chart.anomaly');
    const marks = anomalySeries(daily, this.anomalies(), label, (a) => this.anomalyNote(a), palette.series[5]);
    return withAnomalies(dailyChart(daily, this.summary(), this.locale, palette), marks);
  });
  readonly serviceData = computed<ChartData | null>(() => {
    const breakdown = this.byService();
    return breakdown ? breakdownChart(breakdown, readPalette(), this.translations.translate('serverless.showback.chart.other')) : null;
  });
  protected readonly dailyTexts = computed<ChartTexts>(() => ({
    series: {
      actual: this.translations.translate('serverless.showback.chart.actual'),
      forecast: this.translations.translate('serverless.showback.chart.forecast'),
      bandLow: this.translations.translate('serverless.showback.chart.low'),
      bandHigh: this.translations.translate('serverless.showback.chart.high'),
      anomaly: this.translations.translate('serverless.showback.chart.anomaly'),
    },
  }));
  /** "data as of …": the last day that has data (not the exclusive end of its period), in the locale. */
  readonly dataAsOf = computed(() => {
    const day = this.summary()?.lastDataDay;
    return day ? formatDate(day, this.locale) : null;
  });
  readonly staleSince = computed(() => {
    const stale = this.summary()?.stale;
    return stale ? formatInstant(stale.since, this.locale) : null;
  });

  ngOnInit(): void {
    this.load();
  }

  private loadBudgets(): void {
    this.showback.budgets().subscribe({ next: (b) => this.budgets.set(b), error: () => this.budgets.set([]) });
  }

  private loadAnomalies(): void {
    this.showback.anomalies(this.range).subscribe({ next: (a) => this.anomalies.set(a), error: () => this.anomalies.set([]) });
  }

  /** "compute on Dec 6, 2026: +€12.00 beyond the expected €8.00 – €10.00 · vApp web-shop +€11.50". */
  protected anomalyNote(a: Anomaly): string {
    const signed = (minor: number) => (minor > 0 ? '+' : '') + this.money(minor, a.currency);
    const what = this.translations.translate('serverless.showback.anomalies.note', [
      a.service,
      formatDate(a.day, this.locale),
      signed(a.delta),
      this.money(a.low, a.currency),
      this.money(a.high, a.currency),
    ]);
    const vapp = a.vappId
      ? this.translations.translate('serverless.showback.anomalies.vapp', [a.vappName || a.vappId, signed(a.vappDelta ?? 0)])
      : this.translations.translate('serverless.showback.anomalies.noVapp');
    return `${what} · ${vapp}`;
  }

  protected money(minor: number, currency: string): string {
    return formatMoney(minor, currency, this.locale);
  }

  protected share(pct: number): string {
    return formatShare(pct, this.locale);
  }

  protected onPreset(preset: RangePreset): void {
    this.preset = preset;
    if (preset !== 'custom') {
      this.range = presetRange(preset, today());
      this.load();
    }
  }

  protected onCustomRange(): void {
    if (/^\d{4}-\d{2}-\d{2}$/.test(this.range.from) && /^\d{4}-\d{2}-\d{2}$/.test(this.range.to) && this.range.from <= this.range.to) this.load();
  }

  protected onGroupBy(by: BreakdownDimension): void {
    this.groupBy = by;
    this.loadTop();
  }

  protected onMonths(months: number): void {
    this.months = Number(months);
    this.showback.monthly(this.months).subscribe({ next: (m) => this.monthly.set(m), error: (e: ApiError) => this.error.set(e) });
  }

  /** Loads everything the page shows; the first failure is shown as the problem. */
  load(): void {
    this.loading$?.unsubscribe();
    this.loading.set(true);
    this.loadBudgets();
    this.loadAnomalies();
    this.loading$ = forkJoin({
      summary: this.showback.summary(),
      monthly: this.showback.monthly(this.months),
      daily: this.showback.daily(this.range),
      byService: this.showback.breakdown('service', this.range),
      top: this.showback.breakdown(this.groupBy, this.range),
    }).subscribe({
      next: (answer) => {
        this.summary.set(answer.summary);
        this.monthly.set(answer.monthly);
        this.daily.set(answer.daily);
        this.byService.set(answer.byService);
        this.top.set(answer.top);
        this.error.set(null);
        this.loading.set(false);
      },
      error: (error: ApiError) => {
        this.error.set(error);
        this.loading.set(false);
      },
    });
  }

  private loadTop(): void {
    this.showback.breakdown(this.groupBy, this.range).subscribe({ next: (b) => this.top.set(b), error: (e: ApiError) => this.error.set(e) });
  }

  /** Downloads the range as a FOCUS 1.2 CSV (for FinOps tools), like exportCsv. */
  protected exportFocus(): void {
    this.exporting.set(true);
    this.showback.exportFocus(this.range).subscribe({
      next: (blob) => {
        this.exporting.set(false);
        saveBlob(blob, `focus-1.2-${this.range.from}-${this.range.to}.csv`);
      },
      error: (error: ApiError) => {
        this.exporting.set(false);
        this.error.set(error);
      },
    });
  }

  /** Downloads export.csv of the range with the session's token (fetch + blob; a bare link would carry no token). */
  protected exportCsv(): void {
    this.exporting.set(true);
    this.showback.exportCsv(this.range).subscribe({
      next: (blob) => {
        this.exporting.set(false);
        saveBlob(blob, `showback-${this.range.from}-${this.range.to}.csv`);
      },
      error: (error: ApiError) => {
        this.exporting.set(false);
        this.error.set(error);
      },
    });
  }
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}
