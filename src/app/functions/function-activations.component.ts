import { ChangeDetectionStrategy, Component, Input, OnChanges, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { ClrDatagridModule, ClrFormsModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import type { ActivationStatus } from '../../../contract/functions';
import { ApiError } from '../core/api-error';
import { Activation } from './functions.model';
import { FunctionsService } from './functions.service';
import { ProblemAlertComponent } from '../core/problem-alert.component';

/**
 * The filter's statuses, each of the contract's ActivationStatus once (its zod list stays out of the bundle):
 * keyed by the type, a status added to the contract does not compile here until the filter offers it.
 */
const OFFERED_STATUSES: Record<ActivationStatus, true> = { success: true, error: true, timeout: true, memory: true, rejected: true };
export const ACTIVATION_STATUSES = Object.keys(OFFERED_STATUSES) as readonly ActivationStatus[];
export const ACTIVATIONS_PAGE_SIZE = 10;

/** A function's calls, newest first, filtered by status and paged by the backend; a row's detail pane shows its logs. */
@Component({
  selector: 'vsl-function-activations',
  standalone: true,
  imports: [FormsModule, ClrDatagridModule, ClrFormsModule, I18nModule, ProblemAlertComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <vsl-problem-alert [error]="error()" [closable]="true" (closed)="error.set(null)" />
    <div class="toolbar">
      <label for="activation-status">{{ 'serverless.functions.activations.filter' | translate }}</label>
      <div class="clr-select-wrapper">
        <select id="activation-status" class="clr-select" [ngModel]="status()" (ngModelChange)="filter($event)" data-test="activation-filter">
          <option value="">{{ 'serverless.functions.activations.all' | translate }}</option>
          @for (s of statuses; track s) {
            <option [value]="s">{{ 'serverless.functions.activations.status.' + s | translate }}</option>
          }
        </select>
      </div>
      <label for="activation-since">{{ 'serverless.functions.activations.since' | translate }}</label>
      <input id="activation-since" type="datetime-local" class="clr-input" [ngModel]="since()" (ngModelChange)="range('since', $event)" data-test="activation-since" />
      <label for="activation-until">{{ 'serverless.functions.activations.until' | translate }}</label>
      <input id="activation-until" type="datetime-local" class="clr-input" [ngModel]="until()" (ngModelChange)="range('until', $event)" data-test="activation-until" />
      <button type="button" class="btn btn-sm btn-link" (click)="load()" data-test="activations-refresh">
        {{ 'serverless.functions.list.refresh' | translate }}
      </button>
    </div>
    <clr-datagrid [clrDgLoading]="loading()" data-test="activations-grid">
      <clr-dg-column>{{ 'serverless.functions.activations.start' | translate }}</clr-dg-column>
      <clr-dg-column>{{ 'serverless.functions.list.column.status' | translate }}</clr-dg-column>
      <clr-dg-column>{{ 'serverless.functions.activations.code' | translate }}</clr-dg-column>
      <clr-dg-column>{{ 'serverless.functions.activations.duration' | translate }}</clr-dg-column>
      <clr-dg-column>{{ 'serverless.functions.activations.startKind' | translate }}</clr-dg-column>
      <clr-dg-column>{{ 'serverless.functions.activations.trigger' | translate }}</clr-dg-column>
      <clr-dg-column>{{ 'serverless.functions.versions.version' | translate }}</clr-dg-column>
      <clr-dg-placeholder>{{ 'serverless.functions.activations.empty' | translate }}</clr-dg-placeholder>
      @for (a of activations(); track a.id) {
        <clr-dg-row [clrDgItem]="a" data-test="activation-row" [attr.data-id]="a.id">
          <clr-dg-cell>{{ a.start | formatDateTime }}</clr-dg-cell>
          <clr-dg-cell><span class="label {{ statusClass(a.status) }}">{{ 'serverless.functions.activations.status.' + a.status | translate }}</span></clr-dg-cell>
          <clr-dg-cell>{{ a.statusCode }}</clr-dg-cell>
          <clr-dg-cell>{{ 'serverless.functions.test.duration' | translate: { ms: a.durationMs } }}</clr-dg-cell>
          <clr-dg-cell>{{ (a.cold ? 'serverless.functions.activations.cold' : 'serverless.functions.activations.warm') | translate }}</clr-dg-cell>
          <clr-dg-cell data-test="activation-trigger">
            {{ 'serverless.functions.activations.triggerKind.' + a.trigger | translate }}
            @if (a.tick) {
              <span class="clr-subtext" data-test="activation-tick">{{ 'serverless.functions.activations.tick' | translate: { tick: (a.tick | formatDateTime) } }}</span>
            }
          </clr-dg-cell>
          <clr-dg-cell data-test="activation-version">
            {{ a.version }}
            @if (a.alias) {
              <span class="label" data-test="activation-alias">{{ a.alias }}</span>
            }
          </clr-dg-cell>
        </clr-dg-row>
      }
      <ng-template clrIfDetail let-detail>
        <clr-dg-detail data-test="activation-detail">
          <clr-dg-detail-header>{{ 'serverless.functions.activations.logsOf' | translate: { id: detail.id } }}</clr-dg-detail-header>
          <clr-dg-detail-body>
            <p>{{ 'serverless.functions.activations.memory' | translate: { mb: detail.memoryMb } }}</p>
            @if (detail.logs.length) {
              <pre class="logs" data-test="activation-logs">{{ detail.logs.join('\\n') }}</pre>
            } @else {
              <p data-test="activation-logs-empty">{{ 'serverless.functions.test.noLogs' | translate }}</p>
            }
            @if (detail.logsTruncated) {
              <p class="truncated" data-test="activation-logs-truncated">{{ 'serverless.functions.activations.truncated' | translate }}</p>
            }
            @if (detail.droppedHeaders.length) {
              <p data-test="activation-dropped-headers">{{ 'serverless.functions.activations.droppedHeaders' | translate: { names: detail.droppedHeaders.join(', ') } }}</p>
            }
          </clr-dg-detail-body>
        </clr-dg-detail>
      </ng-template>
      <clr-dg-footer>
        <span data-test="activations-range">{{ 'serverless.functions.activations.range' | translate: { from: total() ? offset() + 1 : 0, to: offset() + activations().length, total: total() } }}</span>
        <button type="button" class="btn btn-sm btn-link" [disabled]="offset() === 0" (click)="page(-1)" data-test="activations-prev">
          {{ 'serverless.functions.activations.previous' | translate }}
        </button>
        <button type="button" class="btn btn-sm btn-link" [disabled]="offset() + pageSize >= total()" (click)="page(1)" data-test="activations-next">
          {{ 'serverless.functions.activations.next' | translate }}
        </button>
      </clr-dg-footer>
    </clr-datagrid>
  `,
  styles: [
    `.toolbar { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
     .logs { font-family: var(--cds-global-typography-monospace-font-family, monospace); white-space: pre-wrap; max-height: 24rem; overflow: auto; padding: 0.5rem; }
     clr-dg-footer .btn { margin: 0 0 0 0.5rem; }`,
  ],
})
export class FunctionActivationsComponent implements OnChanges {
  private readonly functionsService = inject(FunctionsService);

  @Input({ required: true }) name!: string;

  protected readonly statuses = ACTIVATION_STATUSES;
  protected readonly pageSize = ACTIVATIONS_PAGE_SIZE;
  protected readonly activations = signal<Activation[]>([]);
  protected readonly total = signal(0);
  protected readonly offset = signal(0);
  protected readonly status = signal<ActivationStatus | ''>('');
  /** datetime-local values (the user's local time), sent as ISO 8601. */
  protected readonly since = signal('');
  protected readonly until = signal('');
  protected readonly loading = signal(false);
  protected readonly error = signal<ApiError | null>(null);

  ngOnChanges(): void {
    this.offset.set(0);
    this.load();
  }

  load(): void {
    this.loading.set(true);
    this.functionsService
      .activations(this.name, {
        status: this.status() || undefined,
        since: toIso(this.since()),
        until: toIso(this.until()),
        limit: this.pageSize,
        offset: this.offset(),
      })
      .subscribe({
        next: (page) => {
          this.activations.set(page.items);
          this.total.set(page.total);
          this.loading.set(false);
        },
        error: (error: ApiError) => {
          this.error.set(error);
          this.loading.set(false);
        },
      });
  }

  protected filter(status: ActivationStatus | ''): void {
    this.status.set(status);
    this.offset.set(0);
    this.load();
  }

  protected range(bound: 'since' | 'until', value: string): void {
    this[bound].set(value ?? '');
    this.offset.set(0);
    this.load();
  }

  protected page(direction: 1 | -1): void {
    this.offset.set(Math.max(0, this.offset() + direction * this.pageSize));
    this.load();
  }

  protected statusClass(status: ActivationStatus): string {
    if (status === 'success') return 'label-success';
    return status === 'rejected' ? 'label-warning' : 'label-danger';
  }
}

/** A datetime-local value (local time) as ISO 8601, or undefined when empty or incomplete. */
export function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
