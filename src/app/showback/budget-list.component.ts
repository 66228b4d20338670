import { ChangeDetectionStrategy, Component, EventEmitter, Input, LOCALE_ID, Output, inject } from '@angular/core';
import { ClarityModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import type { Budget } from '../../../contract/showback-budgets';
import { formatMoney } from '../shared/money';

/**
 * Each budget's state this month: spent and forecast against the amount (a bar that turns amber, then red), and which
 * thresholds are crossed. Shared by the dashboard's card and the Budgets page (with `manage`, a Delete button for the
 * budgets the caller may change).
 */
@Component({
  selector: 'vsl-budget-list',
  standalone: true,
  imports: [ClarityModule, I18nModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ul class="budgets" data-test="budget-list">
      @for (b of budgets; track b.id) {
        <li class="budget" data-test="budget" [attr.data-budget]="b.name">
          <div class="budget-head">
            <strong data-test="budget-name">{{ b.name }}</strong>
            <span class="scope" data-test="budget-scope">
              @if (b.service) {
                {{ 'serverless.showback.budgets.scopeService' | translate: b.service }}
              } @else if (b.vappId) {
                {{ 'serverless.showback.budgets.scopeVapp' | translate: b.vappId }}
              } @else {
                {{ 'serverless.showback.budgets.scopeOrg' | translate }}
              }
            </span>
            @if (b.providerOwned) {
              <span class="label label-info" data-test="budget-provider">{{ 'serverless.showback.budgets.providerOwned' | translate }}</span>
            }
            @if (manage && b.editable) {
              <button type="button" class="btn btn-link btn-sm" (click)="remove.emit(b)" data-test="budget-delete">
                {{ 'serverless.showback.budgets.delete' | translate }}
              </button>
            }
          </div>
          <div class="progress-static" [class.warning]="level(b) === 'warning'" [class.danger]="level(b) === 'danger'">
            <div class="progress-meter" [attr.data-value]="bar(b)" data-test="budget-bar"></div>
          </div>
          <div class="budget-figures" data-test="budget-figures">
            {{ 'serverless.showback.budgets.spent' | translate: { '0': money(b.state.spent, b.currency), name: money(b.amount, b.currency), message: pct(b.state.spentPct) } }}
            · {{ 'serverless.showback.budgets.forecast' | translate: { '0': money(b.state.forecast, b.currency), name: pct(b.state.forecastPct) } }}
          </div>
          <div class="thresholds">
            @for (t of b.state.thresholds; track t.type + t.percent) {
              <span class="label" [class.label-danger]="t.crossed" data-test="budget-threshold" [attr.data-crossed]="t.crossed">
                {{ 'serverless.showback.budgets.threshold.' + t.type | translate: pct(t.percent) }}
                @if (t.crossed) {
                  · {{ 'serverless.showback.budgets.crossed' | translate }}
                }
              </span>
            }
          </div>
        </li>
      }
    </ul>
  `,
  styles: [
    `
      .budgets { list-style: none; margin: 0; padding: 0; }
      .budget { margin: 0.5rem 0 0.75rem; }
      .budget-head { display: flex; align-items: baseline; gap: 0.5rem; flex-wrap: wrap; }
      .scope { font-size: 0.75rem; }
      .budget-figures { font-size: 0.75rem; margin-top: 0.25rem; }
      /* Inside a card Clarity pins a bar to the card's edge (position absolute, full bleed); here it is each budget's own. */
      .budget .progress-static { position: relative; margin: 0.375rem 0 0; }
      .thresholds .label { margin: 0.25rem 0.25rem 0 0; }
    `,
  ],
})
export class BudgetListComponent {
  private readonly locale = inject(LOCALE_ID, { optional: true }) ?? 'en';
  @Input() budgets: Budget[] = [];
  @Input() manage = false;
  @Output() readonly remove = new EventEmitter<Budget>();

  protected money(minor: number, currency: string): string {
    return formatMoney(minor, currency, this.locale);
  }

  protected pct(value: number): string {
    return `${new Intl.NumberFormat(this.locale, { maximumFractionDigits: 1 }).format(value)} %`;
  }

  /** Clarity's static progress bar takes 0–100 in steps of one. */
  protected bar(b: Budget): number {
    return Math.min(100, Math.max(0, Math.round(b.state.spentPct)));
  }

  /** Red once a threshold is crossed, amber when the forecast passes the amount, else the default. */
  protected level(b: Budget): 'danger' | 'warning' | 'ok' {
    if (b.state.thresholds.some((t) => t.crossed)) return 'danger';
    return b.state.forecastPct >= 100 ? 'warning' : 'ok';
  }
}
