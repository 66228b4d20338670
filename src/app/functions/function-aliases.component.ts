import { ChangeDetectionStrategy, Component, EventEmitter, Input, OnChanges, Output, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { ClrCheckboxModule, ClrDatagridModule, ClrFormsModule, ClrSpinnerModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import type { AliasView, HistoryEntryView, Traffic } from '../../../contract/aliases';
import { ApiError } from '../core/api-error';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { FunctionsService } from './functions.service';

/** "v3 90 % · v4 10 %": an alias's versions and weights. */
export function trafficText(traffic: Traffic | undefined): string {
  return (traffic ?? []).map((t) => `v${t.version} ${t.weight} %`).join(' · ');
}

/**
 * A function's aliases and their traffic (issue 13, item 3): live and the others with their versions and weights, a
 * canary on live with its automatic rollback, Promote and Roll back in one click, and the history (an automatic
 * rollback with its numbers).
 */
@Component({
  selector: 'vsl-function-aliases',
  standalone: true,
  imports: [ClrCheckboxModule, ClrDatagridModule, ClrFormsModule, ClrSpinnerModule, I18nModule, ProblemAlertComponent, ReactiveFormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './function-aliases.component.html',
  styles: ['code + .label { margin-left: 0.5rem; }'],
})
export class FunctionAliasesComponent implements OnChanges {
  private readonly functionsService = inject(FunctionsService);

  @Input({ required: true }) name!: string;
  /** The function's current version: live's stable one. */
  @Input({ required: true }) version!: number;
  /** A promotion or a change of live moved the function's current version. */
  @Output() readonly changed = new EventEmitter<void>();

  protected readonly aliases = signal<AliasView[]>([]);
  protected readonly history = signal<HistoryEntryView[]>([]);
  protected readonly loading = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly trafficText = trafficText;

  protected readonly form = new FormGroup({
    canaryVersion: new FormControl<number | null>(null, [Validators.required, Validators.min(1)]),
    weight: new FormControl(10, { nonNullable: true, validators: [Validators.required, Validators.min(0), Validators.max(100)] }),
    auto: new FormControl(true, { nonNullable: true }),
    errorRatePercent: new FormControl(20, { nonNullable: true, validators: [Validators.min(1), Validators.max(99)] }),
    windowSeconds: new FormControl(60, { nonNullable: true, validators: [Validators.min(10), Validators.max(3600)] }),
    minCalls: new FormControl(10, { nonNullable: true, validators: [Validators.min(1), Validators.max(10000)] }),
  });

  ngOnChanges(): void {
    this.load();
  }

  load(): void {
    this.loading.set(true);
    this.functionsService.aliases(this.name).subscribe({
      next: (list) => {
        this.aliases.set(list.items);
        this.loading.set(false);
      },
      error: (error: ApiError) => {
        this.error.set(error);
        this.loading.set(false);
      },
    });
    this.functionsService.history(this.name).subscribe({
      next: (page) => this.history.set(page.items),
      error: (error: ApiError) => this.error.set(error),
    });
  }

  /** The canary of an alias (its second version), if it has one. */
  protected canaryOf(alias: AliasView): Traffic[number] | undefined {
    return alias.traffic[1];
  }

  /** Starts (or changes) a canary on live: the current version keeps the rest of the calls. */
  protected startCanary(): void {
    if (this.form.invalid) return;
    const v = this.form.getRawValue();
    const weight = v.weight;
    this.act(
      this.functionsService.updateAlias(this.name, 'live', {
        traffic: [
          { version: this.version, weight: 100 - weight },
          { version: Number(v.canaryVersion), weight },
        ],
        autoRollback: v.auto ? { errorRatePercent: v.errorRatePercent, windowSeconds: v.windowSeconds, minCalls: v.minCalls } : null,
      }),
      false,
    );
  }

  protected promote(alias: AliasView): void {
    this.act(this.functionsService.canary(this.name, alias.name, 'promote'), alias.tracksCurrentVersion);
  }

  protected rollback(alias: AliasView): void {
    this.act(this.functionsService.canary(this.name, alias.name, 'rollback'), false);
  }

  private act(call: ReturnType<FunctionsService['canary']>, moved: boolean): void {
    this.busy.set(true);
    this.error.set(null);
    call.subscribe({
      next: () => {
        this.busy.set(false);
        if (moved) this.changed.emit();
        this.load();
      },
      error: (error: ApiError) => {
        this.busy.set(false);
        this.error.set(error);
      },
    });
  }
}
