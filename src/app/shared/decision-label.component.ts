import { ChangeDetectionStrategy, Component, Input } from '@angular/core';
import { I18nModule } from '@vcd/i18n';
import type { DecisionAction } from '../../../contract/autoscale';

/** A decision's action as a Clarity label: scale out (blue), scale in (purple), none (grey). */
@Component({
  selector: 'vsl-decision-label',
  standalone: true,
  imports: [I18nModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span class="label" [class.label-info]="action === 'scaleOut'" [class.label-purple]="action === 'scaleIn'" data-test="decision-action" [attr.data-action]="action">{{
    'serverless.autoscale.action.' + action | translate
  }}</span>`,
})
export class DecisionLabelComponent {
  @Input({ required: true }) action!: DecisionAction;
}
