import { ChangeDetectionStrategy, Component, Input, OnChanges, inject, signal } from '@angular/core';
import { ClrDatagridModule, ClrSpinnerModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import type { DeadLetterView } from '../../../contract/functions';
import { ApiError } from '../core/api-error';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { FunctionsService } from './functions.service';

/**
 * A function's dead letters: queued calls (X-Invocation-Type: Event) that failed every attempt. Each can be re-driven
 * (queued again, e.g. after a fix) or deleted; the list is read again after either.
 */
@Component({
  selector: 'vsl-function-dead-letters',
  standalone: true,
  imports: [ClrDatagridModule, ClrSpinnerModule, I18nModule, ProblemAlertComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <p class="clr-subtext">{{ 'serverless.functions.deadLetters.intro' | translate }}</p>
    <vsl-problem-alert [error]="error()" [closable]="true" (closed)="error.set(null)" />
    @if (notice(); as message) {
      <p class="clr-subtext" data-test="dead-letter-notice">{{ message | translate }}</p>
    }
    <button type="button" class="btn btn-sm btn-link" (click)="load()" data-test="dead-letters-refresh">{{ 'serverless.functions.list.refresh' | translate }}</button>
    <clr-datagrid [clrDgLoading]="loading()" data-test="dead-letters-grid">
      <clr-dg-column>{{ 'serverless.functions.deadLetters.accepted' | translate }}</clr-dg-column>
      <clr-dg-column>{{ 'serverless.functions.deadLetters.attempts' | translate }}</clr-dg-column>
      <clr-dg-column>{{ 'serverless.functions.deadLetters.error' | translate }}</clr-dg-column>
      <clr-dg-column>{{ 'serverless.functions.deadLetters.body' | translate }}</clr-dg-column>
      <clr-dg-column></clr-dg-column>
      @for (d of letters(); track d.id) {
        <clr-dg-row data-test="dead-letter-row" [attr.data-id]="d.id">
          <clr-dg-cell>{{ d.acceptedAt | formatDateTime }}</clr-dg-cell>
          <clr-dg-cell data-test="dead-letter-attempts">{{ d.attempts }}</clr-dg-cell>
          <clr-dg-cell data-test="dead-letter-error">{{ d.error.message }}</clr-dg-cell>
          <clr-dg-cell><code class="body" data-test="dead-letter-body">{{ bodyOf(d) }}</code></clr-dg-cell>
          <clr-dg-cell>
            <button type="button" class="btn btn-sm btn-link" [disabled]="busy()" (click)="redrive(d)" data-test="dead-letter-redrive">
              {{ 'serverless.functions.deadLetters.redrive' | translate }}
            </button>
            <button type="button" class="btn btn-sm btn-link" [disabled]="busy()" (click)="remove(d)" data-test="dead-letter-delete">
              {{ 'serverless.functions.deadLetters.delete' | translate }}
            </button>
          </clr-dg-cell>
        </clr-dg-row>
      }
      <clr-dg-placeholder>{{ 'serverless.functions.deadLetters.empty' | translate }}</clr-dg-placeholder>
      <clr-dg-footer>{{ 'serverless.functions.deadLetters.count' | translate: total() }}</clr-dg-footer>
    </clr-datagrid>
  `,
  styles: ['.body { white-space: pre-wrap; word-break: break-all; }'],
})
export class FunctionDeadLettersComponent implements OnChanges {
  private readonly functionsService = inject(FunctionsService);

  @Input({ required: true }) name!: string;

  protected readonly letters = signal<DeadLetterView[]>([]);
  protected readonly total = signal(0);
  protected readonly loading = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly notice = signal<string | null>(null);

  ngOnChanges(): void {
    this.load();
  }

  load(): void {
    this.loading.set(true);
    this.functionsService.deadLetters(this.name).subscribe({
      next: (page) => {
        this.letters.set(page.items);
        this.total.set(page.total);
        this.loading.set(false);
      },
      error: (error: ApiError) => {
        this.error.set(error);
        this.loading.set(false);
      },
    });
  }

  /** The request body the handler got (an HTTP call), else the whole event; cut for the grid. */
  protected bodyOf(d: DeadLetterView): string {
    const event = d.event as { body?: unknown } | null;
    const shown = event && typeof event === 'object' && 'body' in event ? event.body : event;
    const text = typeof shown === 'string' ? shown : JSON.stringify(shown);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  }

  protected redrive(d: DeadLetterView): void {
    this.act(this.functionsService.redrive(this.name, d.id), 'serverless.functions.deadLetters.redriven');
  }

  protected remove(d: DeadLetterView): void {
    this.act(this.functionsService.deleteDeadLetter(this.name, d.id), 'serverless.functions.deadLetters.deleted');
  }

  private act(call: ReturnType<FunctionsService['deleteDeadLetter']> | ReturnType<FunctionsService['redrive']>, done: string): void {
    this.busy.set(true);
    (call as ReturnType<FunctionsService['deleteDeadLetter']>).subscribe({
      next: () => {
        this.busy.set(false);
        this.notice.set(done);
        this.load();
      },
      error: (error: ApiError) => {
        this.busy.set(false);
        this.error.set(error);
      },
    });
  }
}
