import { ChangeDetectionStrategy, Component, DestroyRef, OnInit, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { ClrAlertModule, ClrFormsModule, ClrModalModule, ClrSignpostModule, ClrSpinnerModule, ClrTabsModule } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import { Subject, distinctUntilChanged, map, startWith, switchMap, combineLatest } from 'rxjs';
import { ApiError } from '../core/api-error';
import { FunctionChanges, InvokeResult, ServerlessFunction, isInitializing } from './functions.model';
import { FunctionsService } from './functions.service';
import { pollWhile } from '../core/poll';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { NumberStepLabelsDirective } from '../shared/number-step-labels.directive';
import { CodeMarker } from './code-editor.component';
import { EnvSecretsChange, EnvSecretsEditorComponent } from './env-secrets-editor.component';
import { FunctionActivationsComponent } from './function-activations.component';
import { FunctionAliasesComponent } from './function-aliases.component';
import { FunctionLiveLogsComponent } from './function-live-logs.component';
import { FunctionDeadLettersComponent } from './function-dead-letters.component';
import { functionCodeControls, showFieldErrors } from './function-form';
import { FunctionFormFieldsComponent } from './function-form-fields.component';
import { FunctionStatusComponent } from './function-status.component';
import { defaultSandboxOf } from './function-templates';
import { FunctionVersionsComponent } from './function-versions.component';
import { SchedulePreviewComponent } from './schedule-preview.component';
import { TestPanelComponent } from './test-panel.component';
import { shortEventType } from './vcd-event-types';

/** Bounds of the limits fields (contract LimitsSchema; the provider's maxima may be lower and the backend says so). */
export const MEMORY_MB = { min: 8, max: 1024 } as const;
export const TIMEOUT_MS = { min: 10, max: 300_000 } as const;

/** Where a backend field error (dotted path) belongs in the editor form. */
const FIELD_OF_PATH: Record<string, string> = {
  runtime: 'runtime',
  sandbox: 'sandbox',
  mode: 'mode',
  code: 'code',
  'limits.memoryMb': 'memoryMb',
  'limits.timeoutMs': 'timeoutMs',
  'network.egress': 'egress',
  'trigger.events': 'events',
  'trigger.cron': 'cron',
  'trigger.timezone': 'timezone',
};

/**
 * One function: status (re-read while a version builds), its build error marked in the code editor, Save (a new
 * version), Invoke, the test panel, versions with rollback, activations with their logs, env and secrets, Delete.
 */
@Component({
  selector: 'vsl-function-detail',
  standalone: true,
  imports: [
    ClrAlertModule, ClrFormsModule, ClrModalModule, ClrSignpostModule, ClrSpinnerModule, ClrTabsModule, I18nModule, ReactiveFormsModule,
    RouterLink, EnvSecretsEditorComponent, FunctionActivationsComponent, FunctionAliasesComponent, FunctionDeadLettersComponent, FunctionLiveLogsComponent, FunctionFormFieldsComponent, FunctionStatusComponent,
    FunctionVersionsComponent, NumberStepLabelsDirective, ProblemAlertComponent, SchedulePreviewComponent, TestPanelComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './function-detail.component.html',
  styles: [
    `.invoke-body, .build-log { font-family: var(--cds-global-typography-monospace-font-family, monospace); white-space: pre-wrap; max-height: 24rem; overflow: auto; padding: 0.5rem 0.75rem; }
     .heading { display: flex; align-items: center; gap: 0.75rem; }
     .actions { display: flex; gap: 0.5rem; margin: 0.75rem 0; align-items: center; } .actions .btn { margin: 0; }
     dl.properties { display: grid; grid-template-columns: max-content auto; gap: 0.25rem 1rem; margin: 0.5rem 0; }
     dl.properties dt { font-weight: 600; }`,
  ],
})
export class FunctionDetailComponent implements OnInit {
  private readonly functionsService = inject(FunctionsService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly destroyRef = inject(DestroyRef);
  private readonly refresh = new Subject<void>();

  protected readonly fn = signal<ServerlessFunction | null>(null);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly invoking = signal(false);
  protected readonly invokeResult = signal<InvokeResult | null>(null);
  protected readonly confirmingDelete = signal(false);
  protected readonly deleting = signal(false);
  protected readonly saving = signal(false);
  /** The build error to mark in the editor: the newest version's, while the editor shows that version's code. */
  protected readonly marker = signal<CodeMarker | null>(null);

  protected readonly shortEventType = shortEventType;
  protected readonly memoryBounds = MEMORY_MB;
  protected readonly timeoutBounds = TIMEOUT_MS;
  protected readonly form = new FormGroup({
    ...functionCodeControls({ code: '', eventsEnabled: true }),
    memoryMb: new FormControl(128, { nonNullable: true, validators: [Validators.required, Validators.min(MEMORY_MB.min), Validators.max(MEMORY_MB.max)] }),
    timeoutMs: new FormControl(1000, { nonNullable: true, validators: [Validators.required, Validators.min(TIMEOUT_MS.min), Validators.max(TIMEOUT_MS.max)] }),
    egress: new FormControl(false, { nonNullable: true }),
    // A function triggered by one schedule changes its pattern and zone here (schedules beside a route: the API).
    cron: new FormControl('', { nonNullable: true }),
    timezone: new FormControl('UTC', { nonNullable: true }),
  });
  /** The version the form was last filled from; the form is refilled only when another version becomes current. */
  private formVersion = '';

  ngOnInit(): void {
    const name$ = this.route.paramMap.pipe(
      map((params) => params.get('name') ?? ''),
      distinctUntilChanged(),
    );
    const loading = combineLatest([name$, this.refresh.pipe(startWith(undefined))])
      .pipe(switchMap(([name]) => pollWhile({ load: () => this.functionsService.get(name), pending: isInitializing })))
      .subscribe({
        next: (fn) => {
          this.fn.set(fn);
          this.error.set(null);
          this.fillForm(fn);
        },
        error: (error: ApiError) => this.error.set(error),
      });
    this.destroyRef.onDestroy(() => loading.unsubscribe());
  }

  /** Saves runtime, code and limits as a new version; the page follows its build. */
  protected save(fn: ServerlessFunction): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const { runtime, sandbox, mode, code, memoryMb, timeoutMs, egress, events, cron, timezone } = this.form.getRawValue();
    if (fn.trigger === 'event' && events.length === 0) {
      this.form.controls.events.setErrors({ required: true });
      this.form.controls.events.markAsTouched();
      return;
    }
    this.put(fn, {
      runtime,
      sandbox,
      ...(sandbox === 'container' ? { mode, network: { egress } } : {}),
      ...(fn.trigger === 'event' ? { trigger: { type: 'event' as const, events } } : {}),
      ...(fn.trigger === 'schedule' ? { trigger: { type: 'schedule' as const, cron: cron.trim(), timezone: timezone.trim() || 'UTC' } } : {}),
      code,
      limits: { memoryMb: Number(memoryMb), timeoutMs: Number(timeoutMs) },
    });
  }

  protected saveEnv(fn: ServerlessFunction, change: EnvSecretsChange): void {
    this.put(fn, change);
  }

  protected rolledBack(fn: ServerlessFunction): void {
    this.formVersion = '';
    this.form.markAsPristine();
    this.fn.set(fn);
    this.fillForm(fn);
    this.refresh.next();
  }

  /** A promotion moved the current version: the function is read again and the form shows that version. */
  protected aliasesChanged(): void {
    this.formVersion = '';
    this.refresh.next();
  }

  private put(fn: ServerlessFunction, changes: FunctionChanges): void {
    this.saving.set(true);
    this.error.set(null);
    this.functionsService.update(fn.name, changes).subscribe({
      next: (saved) => {
        this.saving.set(false);
        this.marker.set(null);
        // The form keeps what was saved: it is the new version's code even while that version builds or fails.
        this.formVersion = versionKey(saved);
        this.form.markAsPristine();
        this.fn.set(saved);
        this.refresh.next();
      },
      error: (error: ApiError) => {
        this.saving.set(false);
        this.error.set(error);
        showFieldErrors(this.form, error, FIELD_OF_PATH);
      },
    });
  }

  private fillForm(fn: ServerlessFunction): void {
    const failedNewest = fn.status === 'failed' && fn.error ? { message: fn.error.message, line: fn.error.line, column: fn.error.column } : null;
    const key = versionKey(fn);
    if (key === this.formVersion) {
      // Same version as in the form (e.g. the build of what was just saved finished): only the marker changes.
      this.marker.set(failedNewest);
      return;
    }
    this.formVersion = key;
    if (this.form.dirty) return; // the user's unsaved edits win over a version that became current meanwhile
    this.form.reset({
      runtime: fn.runtime,
      sandbox: fn.sandbox ?? defaultSandboxOf(fn.runtime),
      mode: fn.mode ?? 'per-call',
      code: fn.code, memoryMb: fn.limits.memoryMb, timeoutMs: fn.limits.timeoutMs,
      egress: fn.egress,
      events: [...fn.events],
      cron: fn.schedules[0]?.cron ?? '',
      timezone: fn.schedules[0]?.timezone ?? 'UTC' });
    this.marker.set(fn.latestVersion === fn.version ? failedNewest : null);
    if (failedNewest && fn.latestVersion !== fn.version) {
      // The failed code is the newest version's, not the serving one's: show that code with its error.
      this.functionsService.versions(fn.name).subscribe({
        next: (page) => {
          const newest = page.items.find((v) => v.version === fn.latestVersion);
          if (!newest || this.form.dirty) return;
          this.form.patchValue({ code: newest.code, runtime: newest.runtime });
          this.marker.set(failedNewest);
        },
        error: () => undefined,
      });
    }
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

  /** Whether some version answers calls: the newest is ready, or an older one keeps serving while it builds or failed. */
  protected serving(fn: ServerlessFunction): boolean {
    return fn.status === 'ready' || fn.version !== fn.latestVersion;
  }

  protected statusClass(status: number): string {
    if (status < 300) return 'label-success';
    return status < 500 ? 'label-warning' : 'label-danger';
  }
}

function versionKey(fn: ServerlessFunction): string {
  return `${fn.name}/${fn.version}/${fn.latestVersion}`;
}
