import { ChangeDetectionStrategy, Component, Input } from '@angular/core';
import { ClrSpinnerModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import type { FunctionStatus } from '../../../contract/functions';

/** A function's status as a Clarity label: a spinner while initializing, green when ready, red when failed. */
@Component({
  selector: 'vsl-function-status',
  standalone: true,
  imports: [ClrSpinnerModule, I18nModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @switch (status) {
      @case ('initializing') {
        <span class="label label-info" data-test="function-status" data-status="initializing">
          <clr-spinner clrInline clrSmall>{{ 'serverless.functions.status.initializing' | translate }}</clr-spinner>
          {{ 'serverless.functions.status.initializing' | translate }}
        </span>
      }
      @case ('ready') {
        <span class="label label-success" data-test="function-status" data-status="ready">{{ 'serverless.functions.status.ready' | translate }}</span>
      }
      @case ('failed') {
        <span class="label label-danger" data-test="function-status" data-status="failed">{{ 'serverless.functions.status.failed' | translate }}</span>
      }
    }
  `,
  styles: [`clr-spinner { margin-right: 0.25rem; }`],
})
export class FunctionStatusComponent {
  @Input({ required: true }) status!: FunctionStatus;
}
