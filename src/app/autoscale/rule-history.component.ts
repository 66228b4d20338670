import { ChangeDetectionStrategy, Component, Input } from '@angular/core';
import { I18nModule } from '@vcd/i18n';
import { RuleChangeView } from './autoscale.model';

/** Who changed the rule, when, and each field from what to what (newest first). */
@Component({
  selector: 'vsl-rule-history',
  standalone: true,
  imports: [I18nModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (changes.length === 0) {
      <p class="empty" data-test="history-empty">{{ 'serverless.autoscale.history.empty' | translate }}</p>
    } @else {
      <ul class="list-unstyled history" data-test="rule-history">
        @for (change of changes; track change.id) {
          <li data-test="rule-change" [attr.data-action]="change.action">
            <div class="who" data-test="rule-change-who">
              {{ 'serverless.autoscale.history.' + change.action | translate: { user: change.user, org: change.userOrg } }}
              <span class="when">{{ change.at | formatDateTime }}</span>
            </div>
            @if (change.action === 'update') {
              <ul class="fields">
                @for (field of change.changes; track field.field) {
                  <li data-test="rule-change-field"><code>{{ field.field }}</code>: {{ field.before }} → {{ field.after }}</li>
                }
              </ul>
            }
          </li>
        }
      </ul>
    }
  `,
  styles: [
    `.history > li { margin-bottom: 0.5rem; } .who { font-weight: 600; } .when { font-weight: normal; margin-left: 0.4rem; color: var(--cds-global-typography-color-300, #565656); }
     .fields { margin: 0.1rem 0 0 1rem; list-style: disc; } .empty { color: var(--cds-global-typography-color-300, #565656); }`,
  ],
})
export class RuleHistoryComponent {
  @Input({ required: true }) changes: RuleChangeView[] = [];
}
