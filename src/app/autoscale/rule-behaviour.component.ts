import { ChangeDetectionStrategy, Component, Input } from '@angular/core';
import { I18nModule } from '@vcd/i18n';
import { RuleDraft } from './autoscale.model';

/** Components that render <dt>/<dd> rows inside a surrounding list: no box of their own, rows styled like the list's. */
export const LIST_ROWS_HOST = { style: 'display: contents' };
// The list's own styles do not reach into such a component: the rows style themselves like the list they sit in.
export const LIST_ROWS_STYLES = `dt { font-weight: 600; } dd { margin: 0; } :host-context(.review) dd { margin-bottom: 0.4rem; }`;

/** What a rule does, as <dt>/<dd> rows of the surrounding list: thresholds, VM count limits, timing (review and detail). */
@Component({
  selector: 'vsl-rule-behaviour',
  standalone: true,
  imports: [I18nModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: LIST_ROWS_HOST,
  styles: [LIST_ROWS_STYLES],
  template: `
    <dt>{{ 'serverless.autoscale.wizard.review.thresholds' | translate }}</dt>
    <dd data-test="rule-thresholds">{{
      'serverless.autoscale.wizard.review.thresholdsValue'
        | translate: { outCpu: rule.scaleOut.cpuPercent, outMem: rule.scaleOut.memoryPercent, inCpu: rule.scaleIn.cpuPercent, inMem: rule.scaleIn.memoryPercent }
    }}</dd>
    <dt>{{ 'serverless.autoscale.wizard.review.limits' | translate }}</dt>
    <dd data-test="rule-limits">{{ 'serverless.autoscale.wizard.review.limitsValue' | translate: { min: rule.minVms, max: rule.maxVms, step: rule.step } }}</dd>
    <dt>{{ 'serverless.autoscale.wizard.review.timing' | translate }}</dt>
    <dd data-test="rule-timing">{{
      'serverless.autoscale.wizard.review.timingValue'
        | translate: { evaluation: rule.evaluationSeconds, cooldown: rule.cooldownSeconds, stabilization: rule.stabilizationSeconds }
    }}</dd>
  `,
})
export class RuleBehaviourComponent {
  @Input({ required: true }) rule!: Pick<RuleDraft, 'scaleOut' | 'scaleIn' | 'minVms' | 'maxVms' | 'step' | 'evaluationSeconds' | 'cooldownSeconds' | 'stabilizationSeconds'>;
}
