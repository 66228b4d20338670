import { ChangeDetectionStrategy, Component, DestroyRef, LOCALE_ID, OnInit, computed, inject, signal } from '@angular/core';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { ClrModalModule, ClrSpinnerModule } from '@clr/angular';
import { I18nModule, TranslationService } from '@vcd/i18n';
import { EMPTY, Observable, Subject, catchError, forkJoin, merge, of, switchMap, timer } from 'rxjs';
import { ApiError } from '../core/api-error';
import { AutoscaleRule, DryRunView, MetricPoint, PickerOption, RuleChangeView, RuleEventView, lastDecisionOf, vcdUuid } from './autoscale.model';
import { AutoscaleService } from './autoscale.service';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { RuleBehaviourComponent } from './rule-behaviour.component';
import { DecisionLabelComponent } from '../shared/decision-label.component';
import { DryRunPanelComponent } from './dry-run-panel.component';
import { MetricChartComponent, MetricChartTexts } from './metric-chart.component';
import { RuleHistoryComponent } from './rule-history.component';
import { RuleTimelineComponent } from './rule-timeline.component';
import { RuleWizardComponent } from './rule-wizard.component';
import { RuleSchedulesReviewComponent } from './rule-schedules-step.component';

/** How often the detail page re-reads the rule's events, metrics and VM count (the poller and alerts act meanwhile). */
export const DETAIL_REFRESH_MS = 5000;
/** The forecast moves in 5-minute steps and reads days of history: read it far less often. */
export const FORECAST_REFRESH_MS = 5 * 60_000;

/** One rule: its settings, the vApp's CPU/memory chart, the event timeline, its change history, Dry run, Edit, Enable/Disable and Delete. */
@Component({
  selector: 'vsl-rule-detail',
  standalone: true,
  imports: [ClrModalModule, ClrSpinnerModule, I18nModule, RouterLink, ProblemAlertComponent, RuleBehaviourComponent, DecisionLabelComponent, DryRunPanelComponent, MetricChartComponent, RuleTimelineComponent, RuleHistoryComponent, RuleWizardComponent, RuleSchedulesReviewComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './rule-detail.component.html',
  styles: [
    `.heading { display: flex; align-items: center; gap: 0.75rem; } .actions { display: flex; gap: 0.5rem; margin: 0.75rem 0; align-items: center; }
     .actions .btn { margin: 0; } .columns { display: grid; grid-template-columns: minmax(18rem, 1fr) 2fr; gap: 1.5rem; align-items: start; }
     dl.properties { display: grid; grid-template-columns: max-content auto; gap: 0.25rem 1rem; margin: 0.5rem 0; } dl.properties dt { font-weight: 600; } dl.properties dd { margin: 0; }
     h3 { margin-top: 1rem; }`,
  ],
})
export class RuleDetailComponent implements OnInit {
  private readonly autoscale = inject(AutoscaleService);
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);
  private readonly translations = inject(TranslationService);
  protected readonly locale = inject(LOCALE_ID, { optional: true }) ?? 'en';

  protected readonly rule = signal<AutoscaleRule | null>(null);
  protected readonly vApp = signal<PickerOption | null>(null);
  protected readonly events = signal<RuleEventView[]>([]);
  protected readonly changes = signal<RuleChangeView[]>([]);
  protected readonly points = signal<MetricPoint[]>([]);
  protected readonly forecast = signal<MetricPoint[]>([]);
  protected readonly dryRun = signal<DryRunView | null>(null);
  protected readonly busy = signal<'dryRun' | 'toggle' | 'delete' | null>(null);
  protected readonly confirmingDelete = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly chartTexts = computed<MetricChartTexts>(() => ({
    cpu: this.translations.translate('serverless.autoscale.chart.cpu'),
    memory: this.translations.translate('serverless.autoscale.chart.memory'),
    scaleOutCpu: this.translations.translate('serverless.autoscale.chart.scaleOutCpu'),
    scaleInCpu: this.translations.translate('serverless.autoscale.chart.scaleInCpu'),
    forecastCpu: this.translations.translate('serverless.autoscale.chart.forecastCpu'),
  }));

  /** Re-reads the page now (after a dry run: its answer is newer than the last periodic read). */
  private readonly reload = new Subject<void>();

  private get id(): string {
    return this.route.snapshot.paramMap.get('id') ?? '';
  }

  ngOnInit(): void {
    // Not takeUntilDestroyed: vCD's portal shares no @angular/core/rxjs-interop with plugins.
    const refreshing = merge(timer(0, DETAIL_REFRESH_MS), this.reload)
      .pipe(
        switchMap(() =>
          forkJoin({
            rule: this.autoscale.get(this.id),
            events: this.autoscale.events(this.id),
            points: this.autoscale.metrics(this.id),
            vApps: this.autoscale.vApps(),
            changes: this.autoscale.history(this.id),
          }).pipe(
            // A failed read is shown and the next tick tries again.
            catchError((error: ApiError) => (this.error.set(error), EMPTY)),
          ),
        ),
      )
      .subscribe({
        next: ({ rule, events, points, vApps, changes }) => {
          this.rule.set({ ...rule, lastDecision: lastDecisionOf(events) });
          this.events.set(events);
          this.changes.set(changes);
          this.points.set(points);
          this.vApp.set(vApps.find((v) => vcdUuid(v.id) === vcdUuid(rule.vAppId)) ?? null);
        },
      });
    // The forecast line: none when the vApp has no history to forecast from (the backend's 400), never an error shown.
    const forecasting = timer(0, FORECAST_REFRESH_MS)
      .pipe(switchMap(() => this.autoscale.forecast(this.id).pipe(catchError(() => of([] as MetricPoint[])))))
      .subscribe((points) => this.forecast.set(points));
    this.destroyRef.onDestroy(() => (refreshing.unsubscribe(), forecasting.unsubscribe()));
  }

  protected runDryRun(): void {
    this.act('dryRun', this.autoscale.dryRun(this.id), (result) => {
      this.dryRun.set(result);
      this.reload.next();
    });
  }

  protected toggle(): void {
    const rule = this.rule();
    if (!rule) return;
    this.act('toggle', this.autoscale.update(rule.id, { enabled: !rule.enabled }), (updated) => this.rule.set({ ...updated, lastDecision: rule.lastDecision }));
  }

  /** The wizard saved the edited rule: show it, and re-read so its history shows the change. */
  protected edited(rule: AutoscaleRule): void {
    this.rule.set({ ...rule, lastDecision: this.rule()?.lastDecision ?? null });
    this.reload.next();
  }

  protected remove(): void {
    this.act('delete', this.autoscale.delete(this.id), () => {
      this.confirmingDelete.set(false);
      void this.router.navigate(['..'], { relativeTo: this.route });
    });
  }

  private act<T>(what: 'dryRun' | 'toggle' | 'delete', call: Observable<T>, done: (value: T) => void): void {
    this.busy.set(what);
    this.error.set(null);
    call.subscribe({
      next: (value) => {
        this.busy.set(null);
        done(value);
      },
      error: (error: ApiError) => {
        this.busy.set(null);
        this.confirmingDelete.set(false);
        this.error.set(error);
      },
    });
  }
}
