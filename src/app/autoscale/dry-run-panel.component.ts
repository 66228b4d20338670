import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, Input } from '@angular/core';
import { ClrAlertModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import { DryRunView } from './autoscale.model';

/** "What this rule would do now, and why": the decision, the VM counts, the metrics it read and the engine's reason. */
@Component({
  selector: 'vsl-dry-run-panel',
  standalone: true,
  imports: [ClrAlertModule, DatePipe, I18nModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <clr-alert [clrAlertType]="result.action === 'none' ? 'info' : 'warning'" [clrAlertClosable]="false" data-test="dry-run">
      <clr-alert-item>
        <span class="alert-text">
          <strong data-test="dry-run-verdict" [attr.data-action]="result.action">{{
            'serverless.autoscale.dryRun.verdict.' + result.action | translate: { current: result.current, desired: result.desired }
          }}</strong>
          <span class="why" data-test="dry-run-reason">{{ 'serverless.autoscale.dryRun.because' | translate }} {{ result.detail }}</span>
          @if (result.metrics; as m) {
            <span class="metrics" data-test="dry-run-metrics">{{
              'serverless.autoscale.dryRun.metrics' | translate: { cpu: round(m.cpuPercent), memory: round(m.memoryPercent), vms: m.vms }
            }}</span>
          } @else {
            <span class="metrics" data-test="dry-run-metrics">{{ 'serverless.autoscale.dryRun.noMetrics' | translate }}</span>
          }
          @if (result.schedule; as s) {
            <span class="schedule" data-test="dry-run-schedule">{{
              'serverless.autoscale.dryRun.schedule' | translate: { name: s.name, until: (s.until | date: 'short'), min: s.minVms, max: s.maxVms }
            }}</span>
          }
          @if (result.ahead; as a) {
            <span class="ahead" data-test="dry-run-ahead">{{
              'serverless.autoscale.dryRun.ahead' | translate: { minutes: a.bufferMinutes, vms: a.vms }
            }}</span>
          }
          @if (result.cost; as c) {
            <span class="cost" data-test="dry-run-cost" [attr.data-held]="c.held">{{
              'serverless.autoscale.dryRun.' + (c.held ? 'costHeld' : 'cost') | translate: costArgs(c)
            }}</span>
          }
          <code class="reason-code" data-test="dry-run-reason-code">{{ result.reason }}</code>
        </span>
      </clr-alert-item>
    </clr-alert>
  `,
  styles: [`.why, .metrics, .schedule, .ahead, .cost { display: block; } .reason-code { font-size: 0.7rem; }`],
})
export class DryRunPanelComponent {
  @Input({ required: true }) result!: DryRunView;
  /** Money in the cost line: minor units shown as major units with the currency. */
  protected costArgs(c: NonNullable<DryRunView['cost']>): Record<string, string | number> {
    const money = (minor: number) => `${(minor / 100).toFixed(2)} ${c.currency}`;
    return {
      change: `${c.monthCostChange >= 0 ? '+' : '−'}${money(Math.abs(c.monthCostChange))}`,
      vmHour: money(c.vmHourPrice),
      forecast: money(c.forecast),
      after: money(c.forecastAfter),
      ceiling: c.ceiling === null ? '–' : money(c.ceiling),
    };
  }

  protected round(value: number): number {
    return Math.round(value * 10) / 10;
  }
}
