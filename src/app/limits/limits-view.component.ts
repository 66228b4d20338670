import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { I18nModule } from '@vcd/i18n';
import type { OrgLimitsView } from '../../../contract/limits';
import { ApiError } from '../core/api-error';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { FLAG_FIELDS, NUMBER_FIELDS, overriddenFields } from './limits.model';
import { LimitsService } from './limits.service';

/** The org's limits as the provider set them, read-only: what a tenant may use, and which are its own. */
@Component({
  selector: 'vsl-limits-view',
  standalone: true,
  imports: [I18nModule, ProblemAlertComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="limits-view" data-test="limits-view">
      <h2 class="page-title">{{ 'serverless.limits.tenant.title' | translate }}</h2>
      <p class="page-intro">{{ 'serverless.limits.tenant.intro' | translate }}</p>
      <vsl-problem-alert [error]="error()" />
      @if (view(); as v) {
        <table class="table table-vertical" data-test="limits-table">
          <tbody>
            @for (field of numbers; track field) {
              <tr [attr.data-test]="'own-limit-' + field">
                <th>{{ 'serverless.limits.field.' + field | translate }}</th>
                <td>{{ ((field === 'callsPerSecond' || field === 'functionCallsPerSecond') && v.effective[field] === 0) ? ('serverless.limits.tenant.unlimited' | translate) : v.effective[field] }}</td>
                <td>{{ (own(v).includes(field) ? 'serverless.limits.tenant.forOrg' : 'serverless.limits.tenant.default') | translate }}</td>
              </tr>
            }
            @for (field of flags; track field) {
              <tr [attr.data-test]="'own-limit-' + field">
                <th>{{ 'serverless.limits.field.' + field | translate }}</th>
                <td>{{ (v.effective[field] ? 'serverless.limits.tenant.allowed' : 'serverless.limits.tenant.notAllowed') | translate }}</td>
                <td>{{ (own(v).includes(field) ? 'serverless.limits.tenant.forOrg' : 'serverless.limits.tenant.default') | translate }}</td>
              </tr>
            }
          </tbody>
        </table>
      }
    </div>
  `,
})
export class LimitsViewComponent implements OnInit {
  private readonly limits = inject(LimitsService);
  protected readonly view = signal<OrgLimitsView | null>(null);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly numbers = NUMBER_FIELDS;
  protected readonly flags = FLAG_FIELDS;

  ngOnInit(): void {
    this.limits.own().subscribe({ next: (v) => this.view.set(v), error: (e: ApiError) => this.error.set(e) });
  }

  protected own(v: OrgLimitsView): string[] {
    return overriddenFields(v.override);
  }
}
