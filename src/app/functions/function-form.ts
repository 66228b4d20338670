import { AbstractControl, FormControl, FormGroup, Validators } from '@angular/forms';
import { ApiError } from '../core/api-error';

/**
 * The controls the New function form and the detail page's editor share (runtime, sandbox, mode, events,
 * code), which FunctionFormFieldsComponent renders. Each page adds its own (name and route; limits and egress).
 */
export function functionCodeControls(options: { code: string; eventsEnabled: boolean }) {
  return {
    runtime: new FormControl<string>('nodejs20', { nonNullable: true, validators: [Validators.required] }),
    sandbox: new FormControl('isolate', { nonNullable: true }),
    mode: new FormControl('per-call', { nonNullable: true }),
    events: new FormControl<string[]>({ value: [], disabled: !options.eventsEnabled }, { nonNullable: true }),
    code: new FormControl(options.code, { nonNullable: true, validators: [Validators.required] }),
  };
}

/**
 * Puts each of the backend's field errors on the control its dotted path belongs to (`fieldOf`), where the
 * field shows it; `trigger.events.3` belongs where `trigger.events` does. Errors of other paths stay on the alert.
 */
export function showFieldErrors(form: FormGroup, error: ApiError, fieldOf: Record<string, string>): void {
  for (const fieldError of error.fieldErrors) {
    const control: AbstractControl | null = form.get(fieldOf[fieldError.path.replace(/^(trigger\.events)\.\d+$/, '$1')] ?? '');
    if (!control) continue;
    control.setErrors({ ...(control.errors ?? {}), server: fieldError.message });
    control.markAsTouched();
  }
}
