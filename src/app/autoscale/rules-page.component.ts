import { ChangeDetectionStrategy, Component, DestroyRef, OnInit, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ClrDatagridModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import { forkJoin, timer } from 'rxjs';
import { ApiError } from '../core/api-error';
import { AutoscaleRule, PickerOption, vcdUuid } from './autoscale.model';
import { AutoscaleService } from './autoscale.service';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { DecisionLabelComponent } from '../shared/decision-label.component';
import { RuleWizardComponent } from './rule-wizard.component';

/** How often the grid re-reads quietly: rules act on their own (poller, alerts), so VM counts and decisions move. */
export const RULES_REFRESH_MS = 10_000;

/** A row of the rules grid: the rule with its vApp's name and VM count as vCD reports them now. */
export interface RuleRow {
  rule: AutoscaleRule;
  vAppName: string;
  vmCount: number | null;
}

/** The Autoscale page: every rule of the org with status, its vApp's VM count and last decision; "New rule" opens the wizard. */
@Component({
  selector: 'vsl-rules-page',
  standalone: true,
  imports: [ClrDatagridModule, I18nModule, RouterLink, ProblemAlertComponent, RuleWizardComponent, DecisionLabelComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="rules-page">
      <h2 class="page-title">{{ 'serverless.autoscale.list.title' | translate }}</h2>
      <p class="page-intro">{{ 'serverless.autoscale.list.intro' | translate }}</p>
      <div class="toolbar">
        <button type="button" class="btn btn-primary" (click)="wizard.start()" data-test="new-rule">{{ 'serverless.autoscale.list.new' | translate }}</button>
        <button type="button" class="btn btn-outline" (click)="refresh()" data-test="refresh-rules">{{ 'serverless.autoscale.list.refresh' | translate }}</button>
      </div>
      <vsl-problem-alert [error]="error()" />
      <clr-datagrid [clrDgLoading]="loading()" data-test="rules-grid">
        <clr-dg-column>{{ 'serverless.autoscale.list.column.name' | translate }}</clr-dg-column>
        <clr-dg-column>{{ 'serverless.autoscale.list.column.vApp' | translate }}</clr-dg-column>
        <clr-dg-column>{{ 'serverless.autoscale.list.column.status' | translate }}</clr-dg-column>
        <clr-dg-column>{{ 'serverless.autoscale.list.column.vms' | translate }}</clr-dg-column>
        <clr-dg-column>{{ 'serverless.autoscale.list.column.lastDecision' | translate }}</clr-dg-column>
        <clr-dg-placeholder>
          @if (!loading() && !error()) {
            <span data-test="rules-empty">{{ 'serverless.autoscale.list.empty' | translate }}</span>
          }
        </clr-dg-placeholder>
        <clr-dg-row *clrDgItems="let row of rows()" [clrDgItem]="row" data-test="rule-row" [attr.data-test-rule]="row.rule.name">
          <clr-dg-cell><a [routerLink]="[row.rule.id]" data-test="rule-link">{{ row.rule.name }}</a></clr-dg-cell>
          <clr-dg-cell data-test="rule-vapp">{{ row.vAppName }}</clr-dg-cell>
          <clr-dg-cell>
            <span class="label" [class.label-success]="row.rule.enabled" data-test="rule-status" [attr.data-enabled]="row.rule.enabled">{{
              (row.rule.enabled ? 'serverless.autoscale.status.enabled' : 'serverless.autoscale.status.disabled') | translate
            }}</span>
          </clr-dg-cell>
          <clr-dg-cell data-test="rule-vms">{{
            row.vmCount === null ? '–' : ('serverless.autoscale.list.vmsOf' | translate: { count: row.vmCount, min: row.rule.minVms, max: row.rule.maxVms })
          }}</clr-dg-cell>
          <clr-dg-cell data-test="rule-last-decision">
            @if (row.rule.lastDecision; as last) {
              <vsl-decision-label [action]="last.action" />
              <span class="reason">{{ last.detail }}</span>
            } @else {
              <span class="none">{{ 'serverless.autoscale.list.noDecision' | translate }}</span>
            }
          </clr-dg-cell>
        </clr-dg-row>
        <clr-dg-footer>{{ 'serverless.autoscale.list.count' | translate: rows().length }}</clr-dg-footer>
      </clr-datagrid>
      <vsl-rule-wizard #wizard (created)="refresh()" />
    </div>
  `,
  styles: [
    `.toolbar { display: flex; gap: 0.5rem; margin: 0.5rem 0; } .toolbar .btn { margin: 0; }
     .reason { margin-left: 0.3rem; } .none { color: var(--cds-global-typography-color-300, #565656); }`,
  ],
})
export class RulesPageComponent implements OnInit {
  private readonly autoscale = inject(AutoscaleService);

  private readonly rules = signal<AutoscaleRule[]>([]);
  private readonly vApps = signal<PickerOption[]>([]);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly rows = computed<RuleRow[]>(() => {
    const byUuid = new Map(this.vApps().map((v) => [vcdUuid(v.id), v]));
    return this.rules().map((rule) => {
      const vApp = byUuid.get(vcdUuid(rule.vAppId));
      return { rule, vAppName: vApp?.name ?? rule.vAppId, vmCount: vApp ? vApp.count : null };
    });
  });

  private readonly destroyRef = inject(DestroyRef);

  ngOnInit(): void {
    this.refresh();
    const quietly = timer(RULES_REFRESH_MS, RULES_REFRESH_MS).subscribe(() => this.refresh(false));
    this.destroyRef.onDestroy(() => quietly.unsubscribe());
  }

  protected refresh(showLoading = true): void {
    if (showLoading) this.loading.set(true);
    forkJoin({ rules: this.autoscale.list(), vApps: this.autoscale.vApps() }).subscribe({
      next: ({ rules, vApps }) => {
        this.rules.set(rules);
        this.vApps.set(vApps);
        this.error.set(null);
        this.loading.set(false);
      },
      error: (error: ApiError) => {
        this.error.set(error);
        this.loading.set(false);
      },
    });
  }
}
