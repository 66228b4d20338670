import { ChangeDetectionStrategy, Component, DestroyRef, OnInit, inject, signal } from '@angular/core';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { ClrAlertModule, ClrModalModule, ClrSignpostModule, ClrSpinnerModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import { distinctUntilChanged, map, switchMap } from 'rxjs';
import { ApiError } from '../core/api-error';
import { InvokeResult, ServerlessFunction, isInitializing } from '../core/functions.model';
import { FunctionsService } from '../core/functions.service';
import { pollWhile } from '../core/poll';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { FunctionStatusComponent } from './function-status.component';

/** One function: status (re-read while initializing), its compile error, code and route, Invoke and Delete. */
@Component({
  selector: 'vsl-function-detail',
  standalone: true,
  imports: [
    ClrAlertModule, ClrModalModule, ClrSignpostModule, ClrSpinnerModule, I18nModule, RouterLink,
    FunctionStatusComponent, ProblemAlertComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './function-detail.component.html',
  styles: [
    `.code, .invoke-body { font-family: var(--cds-global-typography-monospace-font-family, monospace); white-space: pre-wrap; max-height: 24rem; overflow: auto; padding: 0.5rem 0.75rem; }
     .heading { display: flex; align-items: center; gap: 0.75rem; }
     .actions { display: flex; gap: 0.5rem; margin: 0.75rem 0; } .actions .btn { margin: 0; }
     dl.properties { display: grid; grid-template-columns: max-content auto; gap: 0.25rem 1rem; margin: 0.5rem 0; }
     dl.properties dt { font-weight: 600; }`,
  ],
})
export class FunctionDetailComponent implements OnInit {
  private readonly functionsService = inject(FunctionsService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly fn = signal<ServerlessFunction | null>(null);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly invoking = signal(false);
  protected readonly invokeResult = signal<InvokeResult | null>(null);
  protected readonly confirmingDelete = signal(false);
  protected readonly deleting = signal(false);

  ngOnInit(): void {
    const loading = this.route.paramMap
      .pipe(
        map((params) => params.get('name') ?? ''),
        distinctUntilChanged(),
        switchMap((name) => pollWhile({ load: () => this.functionsService.get(name), pending: isInitializing })),
      )
      .subscribe({
        next: (fn) => {
          this.fn.set(fn);
          this.error.set(null);
        },
        error: (error: ApiError) => this.error.set(error),
      });
    this.destroyRef.onDestroy(() => loading.unsubscribe());
  }

  protected invoke(fn: ServerlessFunction): void {
    this.invoking.set(true);
    this.invokeResult.set(null);
    this.error.set(null);
    this.functionsService.invoke(fn).subscribe({
      next: (result) => {
        this.invokeResult.set(result);
        this.invoking.set(false);
      },
      error: (error: ApiError) => {
        this.error.set(error);
        this.invoking.set(false);
      },
    });
  }

  protected delete(fn: ServerlessFunction): void {
    this.deleting.set(true);
    this.functionsService.delete(fn.name).subscribe({
      next: () => {
        this.confirmingDelete.set(false);
        void this.router.navigate(['..'], { relativeTo: this.route });
      },
      error: (error: ApiError) => {
        this.deleting.set(false);
        this.confirmingDelete.set(false);
        this.error.set(error);
      },
    });
  }

  protected statusClass(status: number): string {
    if (status < 300) return 'label-success';
    return status < 500 ? 'label-warning' : 'label-danger';
  }
}
