import { ChangeDetectionStrategy, Component, DestroyRef, LOCALE_ID, OnInit, ViewChild, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { ClarityModule, ClrForm } from '@clr/angular';
import { I18nModule, TranslationService } from '@vcd/i18n';
import { Subscription } from 'rxjs';
import type { CreateSourceRequest, ImportResult, Source, SourceTestResult } from '../../../contract/showback';
import { ApiError } from '../core/api-error';
import { pollWhile } from '../core/poll';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { ShowbackBackfillComponent } from './showback-backfill.component';
import { formatInstant } from './showback.model';
import { ShowbackService } from './showback.service';
import { SOURCE_NAME_MAX_LENGTH, cronExpression, headerPair, httpUrl } from './source-validators';

/** Where a backend field error (dotted path) belongs in the HTTP source form. */
const FIELD_OF_PATH: Record<string, string> = {
  name: 'name',
  schedule: 'schedule',
  'config.url': 'url',
  'config.authHeader.name': 'authName',
  'config.authHeader.value': 'authValue',
  'config.mapping.items': 'items',
  'config.mapping.cost': 'cost',
  'config.mapping.service': 'service',
  'config.mapping.start': 'start',
  'config.mapping.end': 'end',
  'config.mapping.vappId': 'vappId',
  'config.mapping.vappName': 'vappName',
  'config.mapping.resourceId': 'resourceId',
  'config.mapping.resourceName': 'resourceName',
  'config.mapping.currency': 'currency',
  'config.mapping.quantity': 'quantity',
  'config.mapping.unit': 'unit',
};

/** Optional paths of the mapping: sent only when filled. */
export const OPTIONAL_MAPPING = ['vappId', 'vappName', 'resourceId', 'resourceName', 'currency', 'quantity', 'unit'] as const;

/** Per source: the outcome of "Test connection". */
interface TestState {
  running: boolean;
  result?: SourceTestResult;
  error?: ApiError;
}

/**
 * The Sources page: the org's billing sources with their last run; add an HTTP or a vCD usage source, upload a FOCUS
 * file, test, run now, backfill a date range.
 */
@Component({
  selector: 'vsl-showback-sources',
  standalone: true,
  imports: [ClarityModule, ReactiveFormsModule, I18nModule, RouterLink, ProblemAlertComponent, ShowbackBackfillComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './showback-sources.component.html',
  styles: [
    `
      .title-row { display: flex; align-items: baseline; gap: 1rem; }
      .toolbar { display: flex; gap: 0.5rem; margin: 0.5rem 0; } .toolbar .btn { margin: 0; }
      .forms { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 0.75rem; }
      .forms .card { margin-top: 0.5rem; }
      .mapping { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: 0 1rem; }
      .actions { margin-top: 1rem; display: flex; gap: 0.5rem; } .actions .btn { margin: 0; }
      .run-error { white-space: pre-wrap; }
      .row-actions .btn { margin: 0 0.25rem 0 0; }
      .wide { width: 32rem; max-width: 100%; }
    `,
  ],
})
export class ShowbackSourcesComponent implements OnInit {
  private readonly showback = inject(ShowbackService);
  private readonly locale = inject(LOCALE_ID, { optional: true }) ?? 'en';
  private readonly translations = inject(TranslationService);
  private loading$?: Subscription;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.loading$?.unsubscribe());
  }

  @ViewChild(ClrForm) private readonly clrForm?: ClrForm;

  protected readonly nameMaxLength = SOURCE_NAME_MAX_LENGTH;
  protected readonly optionalMapping = OPTIONAL_MAPPING;
  readonly sources = signal<Source[]>([]);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly showHttpForm = signal(false);
  protected readonly saving = signal(false);
  readonly formError = signal<ApiError | null>(null);
  protected readonly uploading = signal(false);
  readonly uploadError = signal<ApiError | null>(null);
  readonly uploadResult = signal<ImportResult | null>(null);
  protected readonly tests = signal<Partial<Record<string, TestState>>>({});
  protected readonly running = signal<Record<string, boolean>>({});
  protected readonly addingVcd = signal(false);
  readonly vcdError = signal<ApiError | null>(null);

  readonly form = new FormGroup(
    {
      name: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.maxLength(SOURCE_NAME_MAX_LENGTH)] }),
      url: new FormControl('', { nonNullable: true, validators: [Validators.required, httpUrl] }),
      schedule: new FormControl('0 * * * *', { nonNullable: true, validators: [Validators.required, cronExpression] }),
      authName: new FormControl('', { nonNullable: true }),
      authValue: new FormControl('', { nonNullable: true }),
      items: new FormControl('', { nonNullable: true }),
      cost: new FormControl('cost', { nonNullable: true, validators: [Validators.required] }),
      service: new FormControl('service', { nonNullable: true, validators: [Validators.required] }),
      start: new FormControl('start', { nonNullable: true, validators: [Validators.required] }),
      end: new FormControl('end', { nonNullable: true, validators: [Validators.required] }),
      vappId: new FormControl('', { nonNullable: true }),
      vappName: new FormControl('', { nonNullable: true }),
      resourceId: new FormControl('', { nonNullable: true }),
      resourceName: new FormControl('', { nonNullable: true }),
      currency: new FormControl('', { nonNullable: true }),
      quantity: new FormControl('', { nonNullable: true }),
      unit: new FormControl('', { nonNullable: true }),
      costInMajorUnits: new FormControl(true, { nonNullable: true }),
    },
    { validators: headerPair },
  );

  ngOnInit(): void {
    this.refresh();
  }

  refresh(): void {
    this.loading$?.unsubscribe();
    this.loading.set(true);
    this.loading$ = pollWhile({ load: () => this.showback.sources(), pending: (list) => list.some((s) => s.lastRun?.status === 'running') }).subscribe({
      next: (list) => {
        this.sources.set(list);
        this.error.set(null);
        this.loading.set(false);
      },
      error: (error: ApiError) => {
        this.error.set(error);
        this.loading.set(false);
      },
    });
  }

  protected hasVcdSource(): boolean {
    return this.sources().some((s) => s.kind === 'vcd');
  }

  protected instant(iso: string | null | undefined): string {
    return iso ? formatInstant(iso, this.locale) : '';
  }

  protected openHttpForm(): void {
    this.showHttpForm.set(true);
    this.formError.set(null);
  }

  /** The create request of the form: the contract's http source. */
  request(): CreateSourceRequest {
    const v = this.form.getRawValue();
    return {
      kind: 'http',
      name: v.name.trim(),
      schedule: v.schedule.trim(),
      enabled: true,
      config: {
        url: v.url.trim(),
        ...(v.authName.trim() ? { authHeader: { name: v.authName.trim(), value: v.authValue } } : {}),
        mapping: {
          items: v.items.trim(),
          cost: v.cost.trim(),
          service: v.service.trim(),
          start: v.start.trim(),
          end: v.end.trim(),
          ...Object.fromEntries(OPTIONAL_MAPPING.filter((key) => v[key].trim() !== '').map((key) => [key, v[key].trim()])),
          costInMajorUnits: v.costInMajorUnits,
        },
      },
    };
  }

  submit(): void {
    if (this.form.invalid) {
      this.clrForm?.markAsTouched();
      this.form.markAllAsTouched();
      return;
    }
    this.saving.set(true);
    this.formError.set(null);
    this.showback.createSource(this.request()).subscribe({
      next: () => {
        this.saving.set(false);
        this.showHttpForm.set(false);
        this.form.reset();
        this.refresh();
      },
      error: (error: ApiError) => {
        this.saving.set(false);
        this.formError.set(error);
        for (const fieldError of error.fieldErrors) {
          const control = this.form.get(FIELD_OF_PATH[fieldError.path] ?? '');
          if (!control) continue;
          control.setErrors({ ...(control.errors ?? {}), server: fieldError.message });
          control.markAsTouched();
        }
      },
    });
  }

  /** vCD usage needs no settings: the backend reads the org's VMs and vApps with the provider's service account. */
  addVcdSource(): void {
    this.addingVcd.set(true);
    this.vcdError.set(null);
    this.showback.createSource({ kind: 'vcd', name: this.translations.translate('serverless.showback.sources.vcdName') }).subscribe({
      next: () => {
        this.addingVcd.set(false);
        this.refresh();
      },
      error: (error: ApiError) => {
        this.addingVcd.set(false);
        this.vcdError.set(error);
      },
    });
  }

  protected async onFile(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    if (!file) return;
    this.upload({ name: file.name, type: file.type, text: await file.text() });
    input.value = '';
  }

  upload(file: { name: string; type: string; text: string }): void {
    this.uploading.set(true);
    this.uploadError.set(null);
    this.uploadResult.set(null);
    this.showback.importFocus(file).subscribe({
      next: (result) => {
        this.uploading.set(false);
        this.uploadResult.set(result);
        this.refresh();
      },
      error: (error: ApiError) => {
        this.uploading.set(false);
        this.uploadError.set(error);
      },
    });
  }

  testSource(source: Source): void {
    this.tests.update((t) => ({ ...t, [source.id]: { running: true } }));
    this.showback.testSource(source.id).subscribe({
      next: (result) => this.tests.update((t) => ({ ...t, [source.id]: { running: false, result } })),
      error: (error: ApiError) => this.tests.update((t) => ({ ...t, [source.id]: { running: false, error } })),
    });
  }

  runSource(source: Source): void {
    this.running.update((r) => ({ ...r, [source.id]: true }));
    this.showback.runSource(source.id).subscribe({
      next: () => {
        this.running.update((r) => ({ ...r, [source.id]: false }));
        this.refresh();
      },
      error: (error: ApiError) => {
        this.running.update((r) => ({ ...r, [source.id]: false }));
        this.refresh();
        this.error.set(error);
      },
    });
  }
}
