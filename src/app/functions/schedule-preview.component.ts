import { ChangeDetectionStrategy, Component, Input } from '@angular/core';
import { I18nModule } from '@vcd/i18n';
import { cronProblem, isTimeZone, nextTicks } from '../../../contract/schedules';

/** How many upcoming ticks the preview lists. */
export const PREVIEW_TICKS = 3;

/** The next ticks, or the i18n key of why there are none. */
export interface SchedulePreview {
  ticks: string[];
  problem?: string;
}

/** The next ticks of a schedule as the user reads them (their locale, the schedule's time zone), or why there are none. */
export function schedulePreview(cron: string, timezone: string, from: Date, locale?: string): SchedulePreview {
  if (!cron.trim()) return { ticks: [], problem: 'serverless.functions.schedule.previewEmpty' };
  if (cronProblem(cron)) return { ticks: [], problem: 'serverless.functions.schedule.previewInvalid' };
  const zone = timezone.trim() || 'UTC';
  if (!isTimeZone(zone)) return { ticks: [], problem: 'serverless.functions.schedule.previewBadZone' };
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short', timeZone: zone });
  return { ticks: nextTicks({ cron, timezone: zone }, from, PREVIEW_TICKS).map((t) => format.format(t)) };
}

/** "Next runs: …" under a schedule's cron and time zone fields, and on the detail page beside each schedule. */
@Component({
  selector: 'vsl-schedule-preview',
  standalone: true,
  imports: [I18nModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (preview(); as p) {
      @if (!p.problem) {
        <div class="clr-subtext" data-test="schedule-preview">
          {{ 'serverless.functions.schedule.nextRuns' | translate: { zone: zone() } }}
          <ul class="list-unstyled">
            @for (tick of p.ticks; track $index) {
              <li data-test="schedule-next-run">{{ tick }}</li>
            }
          </ul>
        </div>
      } @else {
        <div class="clr-subtext" data-test="schedule-preview-problem">{{ p.problem | translate }}</div>
      }
    }
  `,
})
export class SchedulePreviewComponent {
  @Input() cron = '';
  @Input() timezone = 'UTC';
  /** The moment the preview counts from (the page's now; specs set it). */
  @Input() from: Date | null = null;

  protected zone(): string {
    return this.timezone.trim() || 'UTC';
  }

  protected preview(): SchedulePreview {
    return schedulePreview(this.cron, this.timezone, this.from ?? new Date());
  }
}
