import { ChangeDetectionStrategy, Component, EventEmitter, Input, Output } from '@angular/core';
import { ClrAlertModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import { ApiError } from './api-error';

/** A failed API call as a Clarity danger alert: the problem's detail and one line per invalid field. */
@Component({
  selector: 'vsl-problem-alert',
  standalone: true,
  imports: [ClrAlertModule, I18nModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (error) {
      <clr-alert clrAlertType="danger" [clrAlertClosable]="closable" (clrAlertClosedChange)="closed.emit()" data-test="problem-alert">
        <clr-alert-item>
          <span class="alert-text">
            <span data-test="problem-detail">
              @if (error.detail) {
                {{ error.detail }}
              } @else if (error.status === 0) {
                {{ 'serverless.errors.unreachable' | translate }}
              } @else {
                {{ 'serverless.errors.status' | translate: error.status }}
              }
            </span>
            @if (error.fieldErrors.length) {
              <ul class="field-errors" data-test="problem-field-errors">
                @for (fieldError of error.fieldErrors; track fieldError.path) {
                  <li><code>{{ fieldError.path }}</code>: {{ fieldError.message }}</li>
                }
              </ul>
            }
          </span>
        </clr-alert-item>
      </clr-alert>
    }
  `,
  styles: [`.field-errors { margin: 0.25rem 0 0 1rem; list-style: disc; }`],
})
export class ProblemAlertComponent {
  @Input() error: ApiError | null = null;
  @Input() closable = false;
  @Output() readonly closed = new EventEmitter<void>();
}
