import { ChangeDetectionStrategy, Component, ViewChild, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { ClrFormsModule, ClrForm } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import { ApiError } from '../core/api-error';
import { NewFunction } from '../core/functions.model';
import { FunctionsService } from '../core/functions.service';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { NAME_MAX_LENGTH, ROUTE_MAX_LENGTH, dnsLabel, routeSegments } from './function-validators';

import { EDITOR_MODES, EDITOR_RUNTIMES, EDITOR_SANDBOXES, EVENT_HANDLER, HELLO_WORLD_HANDLER, STARTER_TEMPLATES, isolateAllowed } from './function-templates';
import { CodeEditorComponent, languageOf } from './code-editor.component';
import { VCD_EVENT_TYPES, shortEventType } from './vcd-event-types';

export { HELLO_WORLD_HANDLER } from './function-templates';

/** Where a backend field error (dotted path) belongs in the form. */
const FIELD_OF_PATH: Record<string, keyof NewFunction> = {
  name: 'name',
  runtime: 'runtime',
  sandbox: 'sandbox',
  mode: 'mode',
  code: 'code',
  route: 'route',
  'trigger.route': 'route',
  'trigger.events': 'events',
  'trigger.type': 'trigger',
  trigger: 'route',
};

/** `trigger.events.3` belongs to the events field like `trigger.events`. */
const fieldOfPath = (path: string): keyof NewFunction | undefined => FIELD_OF_PATH[path.replace(/^(trigger\.events)\.\d+$/, '$1')];

/** The "New function" form: client-side checks first, then the backend's problems on the alert and on the fields. */
@Component({
  selector: 'vsl-function-editor',
  standalone: true,
  imports: [ReactiveFormsModule, ClrFormsModule, I18nModule, RouterLink, ProblemAlertComponent, CodeEditorComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './function-editor.component.html',
  styles: [
    `.code-field { margin-top: 1.2rem; } .code-field .templates { display: flex; gap: 0.5rem; align-items: center; margin-bottom: 0.25rem; }
     .code-field .templates .btn { margin: 0; } .error-text { color: var(--cds-alias-status-danger, #c21d00); }
     .actions { margin-top: 1rem; display: flex; gap: 0.5rem; } .actions .btn { margin: 0; }`,
  ],
})
export class FunctionEditorComponent {
  private readonly functionsService = inject(FunctionsService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  @ViewChild(ClrForm) private readonly clrForm?: ClrForm;

  protected readonly nameMaxLength = NAME_MAX_LENGTH;
  protected readonly routeMaxLength = ROUTE_MAX_LENGTH;
  protected readonly saving = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly form = new FormGroup({
    name: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.maxLength(NAME_MAX_LENGTH), dnsLabel] }),
    runtime: new FormControl<string>('nodejs20', { nonNullable: true, validators: [Validators.required] }),
    sandbox: new FormControl('isolate', { nonNullable: true }),
    mode: new FormControl('per-call', { nonNullable: true }),
    trigger: new FormControl<'http' | 'event'>('http', { nonNullable: true }),
    route: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.maxLength(ROUTE_MAX_LENGTH), routeSegments] }),
    events: new FormControl<string[]>({ value: [], disabled: true }, { nonNullable: true, validators: [Validators.required] }),
    code: new FormControl(HELLO_WORLD_HANDLER, { nonNullable: true, validators: [Validators.required] }),
  });

  protected readonly runtimes = EDITOR_RUNTIMES;
  protected readonly sandboxes = EDITOR_SANDBOXES;
  protected readonly modes = EDITOR_MODES;
  protected readonly isolateAllowed = isolateAllowed;
  protected readonly eventTypes = VCD_EVENT_TYPES;
  protected readonly shortEventType = shortEventType;

  /** An HTTP trigger needs a route, an event trigger its notification types: only the chosen one is checked and sent. */
  protected triggerChanged(): void {
    const event = this.form.controls.trigger.value === 'event';
    const [on, off] = event ? [this.form.controls.events, this.form.controls.route] : [this.form.controls.route, this.form.controls.events];
    on.enable();
    off.disable();
    // The HTTP starter reads event.query, which a notification does not have: offer the event starter instead.
    const code = this.form.controls.code.value;
    if (event && code === HELLO_WORLD_HANDLER) this.form.patchValue({ code: EVENT_HANDLER });
    if (!event && code === EVENT_HANDLER) this.form.patchValue({ code: HELLO_WORLD_HANDLER });
  }

  /** python3 cannot run in the isolate: choosing it moves the function to a container. */
  protected runtimeChanged(): void {
    const { runtime, sandbox } = this.form.getRawValue();
    if (sandbox === 'isolate' && !isolateAllowed(runtime)) this.form.patchValue({ sandbox: 'container' });
  }
  protected readonly templates = STARTER_TEMPLATES;
  protected readonly languageOf = languageOf;

  /** Replaces the code (and runtime) with a starter template. */
  protected useTemplate(id: string): void {
    const template = STARTER_TEMPLATES.find((t) => t.id === id);
    if (!template) return;
    this.form.patchValue({ code: template.code, runtime: template.runtime });
    this.runtimeChanged();
  }

  protected submit(): void {
    if (this.form.invalid) {
      this.clrForm?.markAsTouched();
      this.form.markAllAsTouched();
      return;
    }
    this.saving.set(true);
    this.error.set(null);
    this.functionsService.create(this.form.getRawValue()).subscribe({
      next: (created) => void this.router.navigate(['..', created.name], { relativeTo: this.route }),
      error: (error: ApiError) => {
        this.saving.set(false);
        this.error.set(error);
        this.showFieldErrors(error);
      },
    });
  }

  private showFieldErrors(error: ApiError): void {
    for (const fieldError of error.fieldErrors) {
      const field = fieldOfPath(fieldError.path);
      if (!field) continue;
      const control = this.form.controls[field];
      control.setErrors({ ...(control.errors ?? {}), server: fieldError.message });
      control.markAsTouched();
    }
  }
}
