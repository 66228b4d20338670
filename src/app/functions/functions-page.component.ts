import { ChangeDetectionStrategy, Component, DestroyRef, OnInit, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ClrDatagridModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import { Subscription } from 'rxjs';
import { ApiError } from '../core/api-error';
import { ServerlessFunction, isInitializing } from './functions.model';
import { FunctionsService } from './functions.service';
import { pollWhile } from '../core/poll';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { FunctionStatusComponent } from './function-status.component';

/** The Functions page: every function of the org in a datagrid, re-read while any is still initializing. */
@Component({
  selector: 'vsl-functions-page',
  standalone: true,
  imports: [ClrDatagridModule, I18nModule, RouterLink, FunctionStatusComponent, ProblemAlertComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './functions-page.component.html',
  styles: [`.toolbar { display: flex; gap: 0.5rem; margin: 0.5rem 0; } .toolbar .btn { margin: 0; }`],
})
export class FunctionsPageComponent implements OnInit {
  private readonly functionsService = inject(FunctionsService);
  private loading$?: Subscription;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.loading$?.unsubscribe());
  }

  protected readonly functions = signal<ServerlessFunction[]>([]);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);

  ngOnInit(): void {
    this.refresh();
  }

  protected refresh(): void {
    this.loading$?.unsubscribe();
    this.loading.set(true);
    this.loading$ = pollWhile({ load: () => this.functionsService.list(), pending: (list) => list.items.some(isInitializing) })
      .subscribe({
        next: (list) => {
          this.functions.set(list.items);
          this.error.set(null);
          this.loading.set(false);
        },
        error: (error: ApiError) => {
          this.error.set(error);
          this.loading.set(false);
        },
      });
  }
}
