import { ChangeDetectionStrategy, Component, Input, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { ClrFormsModule, ClrSpinnerModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import { HTTP_METHODS } from './http-methods';
import { ApiError } from '../core/api-error';
import { ServerlessFunction, TestResult } from './functions.model';
import { FunctionsService } from './functions.service';
import { ProblemAlertComponent } from '../core/problem-alert.component';

/** "Name: value" lines to a header map; lines without a colon are skipped. */
export function parseHeaderLines(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    const name = line.slice(0, at).trim();
    if (name) headers[name] = line.slice(at + 1).trim();
  }
  return headers;
}

/** The editor's test panel: one call of the function as a client would make it, with its logs and timing. */
@Component({
  selector: 'vsl-test-panel',
  standalone: true,
  imports: [ReactiveFormsModule, ClrFormsModule, ClrSpinnerModule, I18nModule, ProblemAlertComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="test-panel" data-test="test-panel">
      <vsl-problem-alert [error]="error()" [closable]="true" (closed)="error.set(null)" />
      <form clrForm clrLayout="horizontal" [formGroup]="form" (ngSubmit)="send()" novalidate>
        <clr-select-container>
          <label for="test-method">{{ 'serverless.functions.test.method' | translate }}</label>
          <select clrSelect id="test-method" formControlName="method" data-test="test-method">
            @for (method of methods; track method) {
              <option [value]="method">{{ method }}</option>
            }
          </select>
        </clr-select-container>
        <clr-input-container>
          <label for="test-path">{{ 'serverless.functions.test.path' | translate }}</label>
          <input clrInput id="test-path" formControlName="pathSuffix" autocomplete="off" data-test="test-path" placeholder="/items/1" />
          <clr-control-helper>{{ 'serverless.functions.test.pathHelp' | translate: { route: fn.url } }}</clr-control-helper>
        </clr-input-container>
        <clr-input-container>
          <label for="test-query">{{ 'serverless.functions.test.query' | translate }}</label>
          <input clrInput id="test-query" formControlName="query" autocomplete="off" data-test="test-query" placeholder="name=world" />
        </clr-input-container>
        <clr-textarea-container>
          <label for="test-headers">{{ 'serverless.functions.test.headers' | translate }}</label>
          <textarea clrTextarea id="test-headers" formControlName="headers" rows="2" spellcheck="false" data-test="test-headers"></textarea>
          <clr-control-helper>{{ 'serverless.functions.test.headersHelp' | translate }}</clr-control-helper>
        </clr-textarea-container>
        <clr-textarea-container>
          <label for="test-body">{{ 'serverless.functions.test.body' | translate }}</label>
          <textarea clrTextarea id="test-body" class="mono" formControlName="body" rows="4" spellcheck="false" data-test="test-body"></textarea>
        </clr-textarea-container>
        <button type="submit" class="btn btn-primary" [disabled]="sending() || (fn.status !== 'ready' && fn.version === fn.latestVersion)" data-test="test-send">
          {{ 'serverless.functions.test.send' | translate }}
        </button>
      </form>

      @if (sending()) {
        <clr-spinner clrInline>{{ 'serverless.functions.detail.invoking' | translate }}</clr-spinner>
      }
      @if (result(); as result) {
        <div class="test-result" data-test="test-result">
          <p class="facts">
            <span>{{ 'serverless.functions.detail.statusCode' | translate }}
              <span class="label {{ statusClass(result.status) }}" data-test="test-status">{{ result.status }}</span></span>
            @if (result.activation; as activation) {
              <span data-test="test-duration">{{ 'serverless.functions.test.duration' | translate: { ms: activation.durationMs } }}</span>
              <span class="label" [class.label-warning]="activation.cold" [class.label-info]="!activation.cold" data-test="test-start">
                {{ (activation.cold ? 'serverless.functions.activations.cold' : 'serverless.functions.activations.warm') | translate }}
              </span>
              <span>{{ 'serverless.functions.test.version' | translate: { version: activation.version } }}</span>
            }
          </p>
          <h5>{{ 'serverless.functions.detail.response' | translate }}</h5>
          <pre class="mono" data-test="test-body-result">{{ result.body }}</pre>
          <h5>{{ 'serverless.functions.test.logs' | translate }}</h5>
          @if (result.activation?.logs?.length) {
            <pre class="mono" data-test="test-logs">{{ result.activation!.logs.join('\\n') }}</pre>
          } @else {
            <p class="empty" data-test="test-logs-empty">{{ 'serverless.functions.test.noLogs' | translate }}</p>
          }
        </div>
      }
    </section>
  `,
  styles: [
    `.mono { font-family: var(--cds-global-typography-monospace-font-family, monospace); white-space: pre-wrap; max-height: 16rem; overflow: auto; padding: 0.5rem 0.75rem; }
     .facts { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
     form .btn { margin-top: 0.75rem; }`,
  ],
})
export class TestPanelComponent {
  private readonly functionsService = inject(FunctionsService);

  @Input({ required: true }) fn!: ServerlessFunction;

  protected readonly methods = HTTP_METHODS;
  protected readonly sending = signal(false);
  protected readonly result = signal<TestResult | null>(null);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly form = new FormGroup({
    method: new FormControl('GET', { nonNullable: true }),
    pathSuffix: new FormControl('', { nonNullable: true }),
    query: new FormControl('', { nonNullable: true }),
    headers: new FormControl('', { nonNullable: true }),
    body: new FormControl('', { nonNullable: true }),
  });

  protected send(): void {
    const value = this.form.getRawValue();
    this.sending.set(true);
    this.error.set(null);
    this.result.set(null);
    this.functionsService
      .test(this.fn, { ...value, headers: parseHeaderLines(value.headers) })
      .subscribe({
        next: (result) => {
          this.result.set(result);
          this.sending.set(false);
        },
        error: (error: ApiError) => {
          this.error.set(error);
          this.sending.set(false);
        },
      });
  }

  protected statusClass(status: number): string {
    if (status < 300) return 'label-success';
    return status < 500 ? 'label-warning' : 'label-danger';
  }
}
