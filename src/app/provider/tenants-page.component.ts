import { ChangeDetectionStrategy, Component, LOCALE_ID, OnInit, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { ClrCheckboxModule, ClrDatagridModule, ClrDatagridNumericFilterInterface } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import type { TenantRow, TenantsOverview } from '../../../contract/provider';
import { ApiError } from '../core/api-error';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { DecisionLabelComponent } from '../shared/decision-label.component';
import { formatMoney, toMajor } from '../shared/money';
import { saveBlob } from '../shared/save-blob';
import { TenantsService } from './tenants.service';

/** A Clarity numeric filter over one figure of a row (money in major units, as the cell shows it). */
const numericFilter = (value: (row: TenantRow) => number): ClrDatagridNumericFilterInterface<TenantRow> => ({
  accepts: (row, low, high) => {
    const v = value(row);
    return (low === null || v >= low) && (high === null || v <= high);
  },
});

/** Something the provider should look at: a failed build, failed calls or a billing source whose last run failed. */
export const needsAttention = (row: TenantRow): boolean => row.functions.failed > 0 || row.usage.errors > 0 || row.cost.staleSources.length > 0;

/**
 * The provider's landing page: every tenant org of vCD in one datagrid with this month's figures (the numbers each
 * org's own pages show), sortable and filterable, exportable as CSV; a row opens the org's pages (acting on it).
 */
@Component({
  selector: 'vsl-tenants-page',
  standalone: true,
  imports: [ClrDatagridModule, ClrCheckboxModule, FormsModule, I18nModule, RouterLink, ProblemAlertComponent, DecisionLabelComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './tenants-page.component.html',
  styles: [
    `
      .toolbar { display: flex; gap: 0.5rem; align-items: center; margin: 0.5rem 0; }
      .toolbar .btn { margin: 0; }
      .sub { display: block; color: var(--clr-p2-color, #6a7a81); font-size: 0.55rem; }
      .row-links a { margin-right: 0.5rem; }
      .num { text-align: right; }
    `,
  ],
})
export class TenantsPageComponent implements OnInit {
  private readonly tenants = inject(TenantsService);
  private readonly locale = inject(LOCALE_ID, { optional: true }) ?? 'en';

  protected readonly overview = signal<TenantsOverview | null>(null);
  protected readonly loading = signal(true);
  protected readonly exporting = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly onlyAttention = signal(false);
  protected readonly rows = computed(() => (this.overview()?.items ?? []).filter((r) => !this.onlyAttention() || needsAttention(r)));

  protected readonly callsFilter = numericFilter((r) => r.usage.calls);
  protected readonly errorsFilter = numericFilter((r) => r.usage.errors);
  protected readonly costFilter = numericFilter((r) => toMajor(r.cost.monthToDate, r.cost.currency));
  protected readonly forecastFilter = numericFilter((r) => toMajor(r.cost.forecast, r.cost.currency));

  ngOnInit(): void {
    this.refresh();
  }

  protected refresh(): void {
    this.loading.set(true);
    this.tenants.overview().subscribe({
      next: (overview) => {
        this.overview.set(overview);
        this.error.set(null);
        this.loading.set(false);
      },
      error: (error: ApiError) => {
        this.error.set(error);
        this.loading.set(false);
      },
    });
  }

  protected exportCsv(): void {
    this.exporting.set(true);
    this.tenants.exportCsv().subscribe({
      next: (blob) => {
        this.exporting.set(false);
        saveBlob(blob, `tenants-${this.overview()?.month ?? 'month'}.csv`);
      },
      error: (error: ApiError) => {
        this.exporting.set(false);
        this.error.set(error);
      },
    });
  }

  protected money(minor: number, currency: string): string {
    return formatMoney(minor, currency, this.locale);
  }

  protected number(value: number, digits = 0): string {
    return new Intl.NumberFormat(this.locale, { maximumFractionDigits: digits }).format(value);
  }
}
