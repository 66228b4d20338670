import { ChangeDetectionStrategy, Component, Input } from '@angular/core';
import { ClrTimelineLayout, ClrTimelineModule, ClrTimelineStepState } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import { RuleEventView } from './autoscale.model';

const STEP_STATE: Record<RuleEventView['kind'], ClrTimelineStepState> = {
  alert: ClrTimelineStepState.CURRENT,
  decision: ClrTimelineStepState.NOT_STARTED,
  step: ClrTimelineStepState.SUCCESS,
  result: ClrTimelineStepState.SUCCESS,
  error: ClrTimelineStepState.ERROR,
};

/** A rule's events, newest first, as a vertical Clarity timeline: alert, decision and reason, each step, result, error. */
@Component({
  selector: 'vsl-rule-timeline',
  standalone: true,
  imports: [ClrTimelineModule, I18nModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (events.length === 0) {
      <p class="empty" data-test="timeline-empty">{{ 'serverless.autoscale.detail.noEvents' | translate }}</p>
    } @else {
      <clr-timeline [clrLayout]="vertical" data-test="rule-timeline">
        @for (event of events; track event.id) {
          <clr-timeline-step [clrState]="state(event)" data-test="rule-event" [attr.data-kind]="event.kind">
            <clr-timeline-step-header [title]="event.at | formatDateTime" data-test="rule-event-time">{{ event.at | formatDateTime: timeOnly }}</clr-timeline-step-header>
            <clr-timeline-step-title>{{ 'serverless.autoscale.event.' + event.kind | translate }}</clr-timeline-step-title>
            <clr-timeline-step-description>{{ event.message }}</clr-timeline-step-description>
          </clr-timeline-step>
        }
      </clr-timeline>
    }
  `,
  styles: [`.empty { color: var(--cds-global-typography-color-300, #565656); }`],
})
export class RuleTimelineComponent {
  @Input({ required: true }) events: RuleEventView[] = [];
  protected readonly vertical = ClrTimelineLayout.VERTICAL;
  /** The header column is narrow: the time of day there, the full date in its tooltip. */
  protected readonly timeOnly: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', second: '2-digit' };
  protected state(event: RuleEventView): ClrTimelineStepState {
    return STEP_STATE[event.kind];
  }
}
