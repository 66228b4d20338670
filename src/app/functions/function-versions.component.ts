import { ChangeDetectionStrategy, Component, EventEmitter, Input, OnChanges, Output, inject, signal } from '@angular/core';
import { ClrDatagridModule, ClrModalModule, ClrSpinnerModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import { ApiError } from '../core/api-error';
import { FunctionVersion, ServerlessFunction } from './functions.model';
import { FunctionsService } from './functions.service';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { FunctionStatusComponent } from './function-status.component';

/** A function's versions, newest first; any ready version but the active one can be rolled back to (after confirming). */
@Component({
  selector: 'vsl-function-versions',
  standalone: true,
  imports: [ClrDatagridModule, ClrModalModule, ClrSpinnerModule, I18nModule, FunctionStatusComponent, ProblemAlertComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <vsl-problem-alert [error]="error()" [closable]="true" (closed)="error.set(null)" />
    <clr-datagrid [clrDgLoading]="loading()" data-test="versions-grid">
      <clr-dg-column>{{ 'serverless.functions.versions.version' | translate }}</clr-dg-column>
      <clr-dg-column>{{ 'serverless.functions.list.column.status' | translate }}</clr-dg-column>
      <clr-dg-column>{{ 'serverless.functions.list.column.runtime' | translate }}</clr-dg-column>
      <clr-dg-column>{{ 'serverless.functions.versions.created' | translate }}</clr-dg-column>
      <clr-dg-column></clr-dg-column>
      @for (v of versions(); track v.version) {
        <clr-dg-row data-test="version-row" [attr.data-version]="v.version">
          <clr-dg-cell>
            {{ v.version }}
            @if (v.active) {
              <span class="label label-blue" data-test="version-active">{{ 'serverless.functions.versions.active' | translate }}</span>
            }
          </clr-dg-cell>
          <clr-dg-cell><vsl-function-status [status]="v.status" /></clr-dg-cell>
          <clr-dg-cell>{{ v.runtime }}</clr-dg-cell>
          <clr-dg-cell>{{ v.createdAt | formatDateTime }}</clr-dg-cell>
          <clr-dg-cell>
            @if (!v.active && v.status !== 'failed') {
              <button type="button" class="btn btn-sm btn-link" (click)="confirming.set(v)" data-test="rollback">
                {{ 'serverless.functions.versions.rollback' | translate }}
              </button>
            }
          </clr-dg-cell>
        </clr-dg-row>
      }
      <clr-dg-footer>{{ 'serverless.functions.versions.count' | translate: total() }}</clr-dg-footer>
    </clr-datagrid>

    <clr-modal [clrModalOpen]="confirming() !== null" (clrModalOpenChange)="$event || confirming.set(null)" data-test="rollback-modal">
      <h3 class="modal-title">{{ 'serverless.functions.versions.rollbackTitle' | translate }}</h3>
      <div class="modal-body">
        <p>{{ 'serverless.functions.versions.rollbackConfirm' | translate: { name: fn.name, version: confirming()?.version ?? 0 } }}</p>
      </div>
      <div class="modal-footer">
        <button type="button" class="btn btn-outline" (click)="confirming.set(null)" data-test="cancel-rollback">
          {{ 'serverless.common.cancel' | translate }}
        </button>
        <button type="button" class="btn btn-primary" [disabled]="rollingBack()" (click)="rollback()" data-test="confirm-rollback">
          {{ 'serverless.functions.versions.rollback' | translate }}
        </button>
      </div>
    </clr-modal>
  `,
})
export class FunctionVersionsComponent implements OnChanges {
  private readonly functionsService = inject(FunctionsService);

  /** The function; the list is re-read whenever its version or latestVersion changes. */
  @Input({ required: true }) fn!: ServerlessFunction;
  @Output() readonly rolledBack = new EventEmitter<ServerlessFunction>();

  protected readonly versions = signal<FunctionVersion[]>([]);
  protected readonly total = signal(0);
  protected readonly loading = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly confirming = signal<FunctionVersion | null>(null);
  protected readonly rollingBack = signal(false);
  private loadedFor = '';

  ngOnChanges(): void {
    const key = `${this.fn.name}/${this.fn.version}/${this.fn.latestVersion}/${this.fn.status}`;
    if (key === this.loadedFor) return;
    this.loadedFor = key;
    this.load();
  }

  load(): void {
    this.loading.set(true);
    this.functionsService.versions(this.fn.name).subscribe({
      next: (page) => {
        this.versions.set(page.items);
        this.total.set(page.total);
        this.loading.set(false);
      },
      error: (error: ApiError) => {
        this.error.set(error);
        this.loading.set(false);
      },
    });
  }

  protected rollback(): void {
    const target = this.confirming();
    if (!target) return;
    this.rollingBack.set(true);
    this.functionsService.rollback(this.fn.name, target.version).subscribe({
      next: (fn) => {
        this.rollingBack.set(false);
        this.confirming.set(null);
        this.rolledBack.emit(fn);
      },
      error: (error: ApiError) => {
        this.rollingBack.set(false);
        this.confirming.set(null);
        this.error.set(error);
      },
    });
  }
}
