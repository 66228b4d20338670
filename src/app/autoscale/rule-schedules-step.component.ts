import { ChangeDetectionStrategy, ChangeDetectorRef, Component, DestroyRef, Input, LOCALE_ID, OnInit, inject } from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { ClrFormsModule, ClrIconModule } from '@clr/angular';
import { I18nModule, TranslationService } from '@vcd/i18n';
import type { ScheduleWindow } from '../../../contract/autoscale-schedule';
import { NumberStepLabelsDirective } from '../shared/number-step-labels.directive';
import { LIST_ROWS_HOST, LIST_ROWS_STYLES } from './rule-behaviour.component';
import { SCHEDULE_LIMITS, SchedulesForm, windowGroup, windowWords } from './schedule-window';

/**
 * The wizard's "Schedule" page: the rule's time windows, each a cron and time zone that opens it, how long it stays
 * open, and the VM limits it sets meanwhile (docs/autoscale-schedules.md). Add and remove; the checks mirror the
 * backend's cheap ones, and its answers (a cron that does not parse, overlapping windows) land on the window.
 */
@Component({
  selector: 'vsl-rule-schedules-step',
  standalone: true,
  imports: [ReactiveFormsModule, ClrFormsModule, ClrIconModule, I18nModule, NumberStepLabelsDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './rule-schedules-step.component.html',
  styles: [
    `.hint { color: var(--cds-global-typography-color-300, #565656); } fieldset { margin: 0.6rem 0; } legend { font-weight: 600; }
     .error { color: var(--cds-alias-status-danger, #c21d00); } .two { display: grid; grid-template-columns: 1fr 1fr; column-gap: 1.5rem; }`,
  ],
})
export class RuleSchedulesStepComponent implements OnInit {
  private readonly cdr = inject(ChangeDetectorRef);
  private readonly destroyRef = inject(DestroyRef);
  @Input({ required: true }) form!: SchedulesForm;
  protected readonly limits = SCHEDULE_LIMITS;
  /** Suggestions only: any zone the browser knows is accepted. */
  protected readonly zones: string[] = Intl.supportedValuesOf?.('timeZone') ?? [];

  ngOnInit(): void {
    // A backend error set on a window (overlap) or a window added from code changes no input of this OnPush step.
    // (No takeUntilDestroyed: vCD's portal does not share @angular/core/rxjs-interop with plugins.)
    const changes = this.form.statusChanges.subscribe(() => this.cdr.markForCheck());
    this.destroyRef.onDestroy(() => changes.unsubscribe());
  }

  protected add(): void {
    this.form.push(windowGroup());
  }

  protected remove(index: number): void {
    this.form.removeAt(index);
  }
}

/** The rule's windows as <dt>/<dd> rows of the review list, in words where the cron is a plain weekly time. */
@Component({
  selector: 'vsl-rule-schedules-review',
  standalone: true,
  imports: [I18nModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: LIST_ROWS_HOST,
  styles: [LIST_ROWS_STYLES],
  template: `
    <dt>{{ 'serverless.autoscale.schedules.title' | translate }}</dt>
    @for (w of windows; track $index) {
      <dd [attr.data-test]="'review-schedule-' + $index">
        @if (w.name) {
          <strong>{{ w.name }}: </strong>
        }
        {{ 'serverless.autoscale.schedules.review' | translate: { when: when(w), zone: w.timezone, limits: (limitsKey(w) | translate: { min: w.minVms, max: w.maxVms }) } }}
      </dd>
    } @empty {
      <dd data-test="review-schedules-none">{{ 'serverless.autoscale.schedules.none' | translate }}</dd>
    }
  `,
})
export class RuleSchedulesReviewComponent {
  private readonly locale = inject(LOCALE_ID, { optional: true }) ?? 'en';
  private readonly translations = inject(TranslationService);
  @Input({ required: true }) windows: ScheduleWindow[] = [];

  protected when(w: ScheduleWindow): string {
    const words = windowWords(w.cron, w.durationMinutes, this.locale);
    if (!words) return this.translations.translate('serverless.autoscale.schedules.cronFor', [{ cron: w.cron, minutes: w.durationMinutes }]);
    return words.days ? `${words.days} ${words.time}` : this.translations.translate('serverless.autoscale.schedules.daily', [{ time: words.time }]);
  }

  protected limitsKey(w: ScheduleWindow): string {
    const which = w.minVms !== undefined && w.maxVms !== undefined ? 'between' : w.minVms !== undefined ? 'atLeast' : 'atMost';
    return `serverless.autoscale.schedules.${which}`;
  }
}
