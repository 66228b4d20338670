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

export const HELLO_WORLD_HANDLER = `module.exports = async (event, context) => ({
  statusCode: 200,
  body: { message: 'Hello ' + (event.query.name || 'world') },
});
`;

/** Where a backend field error (dotted path) belongs in the form. */
const FIELD_OF_PATH: Record<string, keyof NewFunction> = {
  name: 'name',
  runtime: 'runtime',
  code: 'code',
  route: 'route',
  'trigger.route': 'route',
  trigger: 'route',
};

/** The "New function" form: client-side checks first, then the backend's problems on the alert and on the fields. */
@Component({
  selector: 'vsl-function-editor',
  standalone: true,
  imports: [ReactiveFormsModule, ClrFormsModule, I18nModule, RouterLink, ProblemAlertComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './function-editor.component.html',
  styles: [
    `.code { font-family: var(--cds-global-typography-monospace-font-family, monospace); width: 100%; min-height: 12rem; }
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
    runtime: new FormControl<'nodejs20'>('nodejs20', { nonNullable: true, validators: [Validators.required] }),
    route: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.maxLength(ROUTE_MAX_LENGTH), routeSegments] }),
    code: new FormControl(HELLO_WORLD_HANDLER, { nonNullable: true, validators: [Validators.required] }),
  });

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
      const field = FIELD_OF_PATH[fieldError.path];
      if (!field) continue;
      const control = this.form.controls[field];
      control.setErrors({ ...(control.errors ?? {}), server: fieldError.message });
      control.markAsTouched();
    }
  }
}
