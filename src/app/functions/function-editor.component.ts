import { ChangeDetectionStrategy, Component, ViewChild, inject, signal } from '@angular/core';
import { AbstractControl, FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { ClrAlertModule, ClrFormsModule, ClrForm } from '@clr/angular';
import { I18nModule } from '@vcd/i18n';
import { ApiError } from '../core/api-error';
import { ProblemAlertComponent } from '../core/problem-alert.component';
import { functionCodeControls, showFieldErrors } from './function-form';
import { FunctionFormFieldsComponent } from './function-form-fields.component';
import { EVENT_HANDLER, HELLO_WORLD_HANDLER, isolateAllowed } from './function-templates';
import { NAME_MAX_LENGTH, ROUTE_MAX_LENGTH, dnsLabel, routeSegments } from './function-validators';
import { NewFunction, TriggerKind } from './functions.model';
import { SchedulePreviewComponent } from './schedule-preview.component';
import { FunctionsService } from './functions.service';

export { HELLO_WORLD_HANDLER } from './function-templates';

/** Where a backend field error (dotted path) belongs in the form. */
const FIELD_OF_PATH: Record<string, keyof NewFunction> = {
  name: 'name',
  runtime: 'runtime',
  sandbox: 'sandbox',
  mode: 'mode',
  'network.egress': 'egress',
  code: 'code',
  route: 'route',
  'trigger.route': 'route',
  'trigger.events': 'events',
  'trigger.cron': 'cron',
  'trigger.timezone': 'timezone',
  'trigger.type': 'trigger',
  trigger: 'route',
};

/** The "New function" form: client-side checks first, then the backend's problems on the alert and on the fields. */
@Component({
  selector: 'vsl-function-editor',
  standalone: true,
  imports: [ReactiveFormsModule, ClrAlertModule, ClrFormsModule, I18nModule, RouterLink, ProblemAlertComponent, FunctionFormFieldsComponent, SchedulePreviewComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './function-editor.component.html',
  styles: [`.actions { margin-top: 1rem; display: flex; gap: 0.5rem; } .actions .btn { margin: 0; }`],
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
    trigger: new FormControl<TriggerKind>('http', { nonNullable: true }),
    route: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.maxLength(ROUTE_MAX_LENGTH), routeSegments] }),
    // A schedule trigger's pattern and zone (enabled while the trigger is a schedule); the zone defaults to the browser's.
    cron: new FormControl({ value: '*/15 * * * *', disabled: true }, { nonNullable: true, validators: [Validators.required] }),
    timezone: new FormControl({ value: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', disabled: true }, { nonNullable: true }),
    ...functionCodeControls({ code: HELLO_WORLD_HANDLER, eventsEnabled: false }),
    // Containers only (the field shows for them): a new function may ask for outbound network right away.
    egress: new FormControl(false, { nonNullable: true }),
  });

  /** Why container functions cannot run on this installation (null: they can), read once from GET .../faas/runtimes. */
  protected readonly containerUnavailable = signal<string | null>(null);

  constructor() {
    // A new event function must subscribe to something (checked only while the events field is enabled).
    this.form.controls.events.addValidators(Validators.required);
    // Said before the user submits a function whose build could only fail (issue 13 item 6); a failed read says nothing.
    this.functionsService.runtimes().subscribe({
      next: (info) => {
        const container = info.sandboxes.find((s) => s.sandbox === 'container');
        this.containerUnavailable.set(container && !container.available ? (container.reason ?? '') : null);
      },
      error: () => undefined,
    });
  }

  /** The chosen runtime and sandbox run in a container (a runtime without an isolate, python3, runs nowhere else). */
  protected wantsContainer(): boolean {
    const { runtime, sandbox } = this.form.getRawValue();
    return sandbox === 'container' || !isolateAllowed(runtime);
  }

  /** An HTTP trigger needs a route, an event trigger its notification types, a schedule its cron: only the chosen one is checked and sent. */
  protected triggerChanged(): void {
    const kind = this.form.controls.trigger.value;
    const { route, events, cron, timezone } = this.form.controls;
    const wanted: Record<TriggerKind, AbstractControl[]> = { http: [route], event: [events], schedule: [cron, timezone] };
    for (const control of [route, events, cron, timezone]) {
      if (wanted[kind].includes(control)) control.enable();
      else control.disable();
    }
    // The HTTP starter reads event.query, which a notification or a tick does not have: offer the event starter instead.
    const code = this.form.controls.code.value;
    if (kind !== 'http' && code === HELLO_WORLD_HANDLER) this.form.patchValue({ code: EVENT_HANDLER });
    if (kind === 'http' && code === EVENT_HANDLER) this.form.patchValue({ code: HELLO_WORLD_HANDLER });
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
        showFieldErrors(this.form, error, FIELD_OF_PATH);
      },
    });
  }
}
