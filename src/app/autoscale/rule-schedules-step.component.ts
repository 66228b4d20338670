import { ChangeDetectionStrategy, ChangeDetectorRef, Component, DestroyRef, Input, LOCALE_ID, OnInit, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { ReactiveFormsModule } from '@angular/forms';
import { ClrFormsModule, ClrIconModule } from '@clr/angular';
import { I18nModule, TranslationService } from '@vcd/i18n';
import type { ScheduleWindow } from '../../../contract/autoscale-schedule';
import { NumberStepLabelsDirective } from '../shared/number-step-labels.directive';
import { LIST_ROWS_HOST, LIST_ROWS_STYLES } from './rule-behaviour.component';
import { RULE_LIMITS } from './rule-validators';
import { SCHEDULE_LIMITS, SchedulesForm, windowGroup, windowWords } from './schedule-window';

const ERRORS = `
  <clr-control-error *clrIfError="'required'">{{ 'serverless.autoscale.errors.required' | translate }}</clr-control-error>
  <clr-control-error *clrIfError="'min'; error as e">{{ 'serverless.autoscale.errors.min' | translate: e.min }}</clr-control-error>
  <clr-control-error *clrIfError="'max'; error as e">{{ 'serverless.autoscale.errors.max' | translate: e.max }}</clr-control-error>
  <clr-control-error *clrIfError="'integer'">{{ 'serverless.autoscale.errors.integer' | translate }}</clr-control-error>`;
const SERVER_ERROR = (field: string) =>
  `<clr-control-error *clrIfError="'server'; error as message" [attr.data-test]="'schedule-' + i + '-${field}-error'">{{ message }}</clr-control-error>`;

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
  template: `
    <p class="hint">{{ 'serverless.autoscale.schedules.help' | translate }}</p>
    @if (form.getError('server'); as message) {
      <p class="error" role="alert" data-test="schedules-error">{{ message }}</p>
    }
    @for (w of form.controls; track w; let i = $index) {
      <fieldset [attr.data-test]="'schedule-' + i">
        <legend>
          {{ 'serverless.autoscale.schedules.window' | translate: { n: i + 1 } }}
          <button type="button" class="btn btn-sm btn-link" (click)="remove(i)" [attr.data-test]="'schedule-' + i + '-remove'">
            {{ 'serverless.autoscale.schedules.remove' | translate }}
          </button>
        </legend>
        @if (w.getError('server'); as message) {
          <p class="error" role="alert" [attr.data-test]="'schedule-' + i + '-error'">{{ message }}</p>
        }
        <form clrForm clrLayout="vertical" [formGroup]="w" novalidate class="two">
          <clr-input-container>
            <label [for]="'schedule-' + i + '-cron'">{{ 'serverless.autoscale.schedules.cron' | translate }}</label>
            <input clrInput [id]="'schedule-' + i + '-cron'" formControlName="cron" autocomplete="off" [attr.data-test]="'schedule-' + i + '-cron'" />
            <clr-control-helper>{{ 'serverless.autoscale.schedules.cronHelp' | translate }}</clr-control-helper>
            <clr-control-error *clrIfError="'required'">{{ 'serverless.autoscale.errors.required' | translate }}</clr-control-error>
            <clr-control-error *clrIfError="'cronFields'">{{ 'serverless.autoscale.schedules.errors.cronFields' | translate }}</clr-control-error>
            ${SERVER_ERROR('cron')}
          </clr-input-container>
          <clr-input-container>
            <label [for]="'schedule-' + i + '-timezone'">{{ 'serverless.autoscale.schedules.timezone' | translate }}</label>
            <input clrInput [id]="'schedule-' + i + '-timezone'" formControlName="timezone" list="schedule-zones" autocomplete="off" [attr.data-test]="'schedule-' + i + '-timezone'" />
            <clr-control-error *clrIfError="'required'">{{ 'serverless.autoscale.errors.required' | translate }}</clr-control-error>
            <clr-control-error *clrIfError="'timezone'">{{ 'serverless.autoscale.schedules.errors.timezone' | translate }}</clr-control-error>
            ${SERVER_ERROR('timezone')}
          </clr-input-container>
          <clr-number-input-container>
            <label [for]="'schedule-' + i + '-duration'">{{ 'serverless.autoscale.schedules.durationMinutes' | translate }}</label>
            <input clrNumberInput type="number" [id]="'schedule-' + i + '-duration'" formControlName="durationMinutes" [attr.data-test]="'schedule-' + i + '-duration'" />
            <clr-control-helper>{{ 'serverless.autoscale.schedules.durationHelp' | translate }}</clr-control-helper>
            ${ERRORS} ${SERVER_ERROR('durationMinutes')}
          </clr-number-input-container>
          <clr-input-container>
            <label [for]="'schedule-' + i + '-name'">{{ 'serverless.autoscale.schedules.name' | translate }}</label>
            <input clrInput [id]="'schedule-' + i + '-name'" formControlName="name" autocomplete="off" [attr.data-test]="'schedule-' + i + '-name'" />
            <clr-control-error *clrIfError="'maxlength'">{{ 'serverless.autoscale.errors.max' | translate: limits.nameMaxLength }}</clr-control-error>
          </clr-input-container>
          <clr-number-input-container>
            <label [for]="'schedule-' + i + '-min'">{{ 'serverless.autoscale.schedules.minVms' | translate }}</label>
            <input clrNumberInput type="number" [id]="'schedule-' + i + '-min'" formControlName="minVms" [attr.data-test]="'schedule-' + i + '-min'" />
            ${ERRORS}
            <clr-control-error *clrIfError="'setsLimit'">{{ 'serverless.autoscale.schedules.errors.setsLimit' | translate }}</clr-control-error>
            <clr-control-error *clrIfError="'aboveWindowMax'">{{ 'serverless.autoscale.errors.minAboveMax' | translate }}</clr-control-error>
            <clr-control-error *clrIfError="'aboveRuleMax'">{{ 'serverless.autoscale.schedules.errors.aboveRuleMax' | translate }}</clr-control-error>
            ${SERVER_ERROR('minVms')}
          </clr-number-input-container>
          <clr-number-input-container>
            <label [for]="'schedule-' + i + '-max'">{{ 'serverless.autoscale.schedules.maxVms' | translate }}</label>
            <input clrNumberInput type="number" [id]="'schedule-' + i + '-max'" formControlName="maxVms" [attr.data-test]="'schedule-' + i + '-max'" />
            ${ERRORS}
            <clr-control-error *clrIfError="'belowRuleMin'">{{ 'serverless.autoscale.schedules.errors.belowRuleMin' | translate }}</clr-control-error>
            ${SERVER_ERROR('maxVms')}
          </clr-number-input-container>
        </form>
      </fieldset>
    } @empty {
      <p data-test="schedules-none">{{ 'serverless.autoscale.schedules.none' | translate }}</p>
    }
    <button type="button" class="btn btn-sm btn-secondary" (click)="add()" [disabled]="form.length >= limits.windows" data-test="schedule-add">
      {{ 'serverless.autoscale.schedules.add' | translate }}
    </button>
    <datalist id="schedule-zones">
      @for (zone of zones; track zone) {
        <option [value]="zone"></option>
      }
    </datalist>
  `,
  styles: [
    `.hint { color: var(--cds-global-typography-color-300, #565656); } fieldset { margin: 0.6rem 0; } legend { font-weight: 600; }
     .error { color: var(--cds-alias-status-danger, #c21d00); } .two { display: grid; grid-template-columns: 1fr 1fr; column-gap: 1.5rem; }`,
  ],
})
export class RuleSchedulesStepComponent implements OnInit {
  private readonly cdr = inject(ChangeDetectorRef);
  private readonly destroyRef = inject(DestroyRef);
  @Input({ required: true }) form!: SchedulesForm;
  protected readonly limits = { ...SCHEDULE_LIMITS, vms: RULE_LIMITS.vms };
  /** Suggestions only: any zone the browser knows is accepted. */
  protected readonly zones: string[] = Intl.supportedValuesOf?.('timeZone') ?? [];

  ngOnInit(): void {
    // A backend error set on a window (overlap) or a window added from code changes no input of this OnPush step.
    this.form.statusChanges.pipe(takeUntilDestroyed(this.destroyRef)).subscribe(() => this.cdr.markForCheck());
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
    @for (w of windows; track $index; let i = $index) {
      <dd [attr.data-test]="'review-schedule-' + i">
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
