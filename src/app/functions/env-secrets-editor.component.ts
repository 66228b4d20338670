import { ChangeDetectionStrategy, Component, EventEmitter, Input, OnChanges, Output, signal } from '@angular/core';
import { FormArray, FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { I18nModule } from '@vcd/i18n';

/** What a shell accepts as a variable name (contract: env and secret names). */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The env part and the secrets patch of a PUT: secrets map a name to its new value, or to null to remove it. */
export interface EnvSecretsChange {
  env: Record<string, string>;
  secrets: Record<string, string | null>;
}

type Entry = FormGroup<{ name: FormControl<string>; value: FormControl<string> }>;

/**
 * Plain env entries (names and values) and secrets. Secrets are write-only: the editor shows their names only,
 * never a value; "Replace" takes a new value, "Remove" drops one; a new secret takes a name and a value.
 */
@Component({
  selector: 'vsl-env-secrets-editor',
  standalone: true,
  imports: [ReactiveFormsModule, I18nModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate data-test="env-form">
      <h5>{{ 'serverless.functions.env.title' | translate }}</h5>
      <table class="table table-compact table-noborder entries" formArrayName="env">
        <tbody>
          @for (entry of form.controls.env.controls; track entry; let i = $index) {
            <tr [formGroupName]="i" data-test="env-row">
              <td><input class="clr-input" formControlName="name" [attr.aria-label]="'serverless.functions.env.name' | translate"
                  [placeholder]="'serverless.functions.env.name' | translate" data-test="env-name" /></td>
              <td><input class="clr-input" formControlName="value" [attr.aria-label]="'serverless.functions.env.value' | translate"
                  [placeholder]="'serverless.functions.env.value' | translate" data-test="env-value" /></td>
              <td><button type="button" class="btn btn-sm btn-link" (click)="form.controls.env.removeAt(i)" data-test="env-remove">
                {{ 'serverless.functions.env.remove' | translate }}</button></td>
            </tr>
          }
        </tbody>
      </table>
      <button type="button" class="btn btn-sm btn-outline" (click)="addEnv()" data-test="env-add">{{ 'serverless.functions.env.add' | translate }}</button>

      <h5>{{ 'serverless.functions.secrets.title' | translate }}</h5>
      <p class="hint">{{ 'serverless.functions.secrets.hint' | translate }}</p>
      <table class="table table-compact table-noborder entries">
        <tbody>
          @for (name of secretNames; track name) {
            <tr data-test="secret-row" [attr.data-name]="name">
              <td><code data-test="secret-name">{{ name }}</code></td>
              @if (removed().includes(name)) {
                <td><span class="label label-warning">{{ 'serverless.functions.secrets.removed' | translate }}</span></td>
                <td><button type="button" class="btn btn-sm btn-link" (click)="undoRemove(name)" data-test="secret-undo">
                  {{ 'serverless.functions.secrets.undo' | translate }}</button></td>
              } @else if (replacing()[name]) {
                <td><input class="clr-input" type="password" autocomplete="new-password" [formControl]="replacing()[name]"
                    [attr.aria-label]="'serverless.functions.secrets.newValue' | translate" data-test="secret-replace-value" /></td>
                <td></td>
              } @else {
                <td><span class="label label-info" data-test="secret-set">{{ 'serverless.functions.secrets.set' | translate }}</span></td>
                <td>
                  <button type="button" class="btn btn-sm btn-link" (click)="replace(name)" data-test="secret-replace">{{ 'serverless.functions.secrets.replace' | translate }}</button>
                  <button type="button" class="btn btn-sm btn-link" (click)="remove(name)" data-test="secret-remove">{{ 'serverless.functions.env.remove' | translate }}</button>
                </td>
              }
            </tr>
          }
          @for (entry of form.controls.secrets.controls; track entry; let i = $index) {
            <tr [formGroup]="entry" data-test="secret-new-row">
              <td><input class="clr-input" formControlName="name" [placeholder]="'serverless.functions.env.name' | translate"
                  [attr.aria-label]="'serverless.functions.env.name' | translate" data-test="secret-new-name" /></td>
              <td><input class="clr-input" type="password" autocomplete="new-password" formControlName="value"
                  [attr.aria-label]="'serverless.functions.env.value' | translate" data-test="secret-new-value" /></td>
              <td><button type="button" class="btn btn-sm btn-link" (click)="form.controls.secrets.removeAt(i)">{{ 'serverless.functions.env.remove' | translate }}</button></td>
            </tr>
          }
        </tbody>
      </table>
      <button type="button" class="btn btn-sm btn-outline" (click)="addSecret()" data-test="secret-add">{{ 'serverless.functions.secrets.add' | translate }}</button>

      @if (invalid()) {
        <p class="error-text" data-test="env-error">{{ 'serverless.functions.env.invalid' | translate }}</p>
      }
      <div class="actions">
        <button type="submit" class="btn btn-primary" [disabled]="saving" data-test="env-save">{{ 'serverless.functions.env.save' | translate }}</button>
      </div>
    </form>
  `,
  styles: [
    `.entries { width: auto; margin: 0.25rem 0 0.5rem; } .entries td { vertical-align: middle; padding-left: 0; }
     .hint { margin-top: 0; } .actions { margin-top: 1rem; } .actions .btn { margin: 0; }
     .error-text { color: var(--cds-alias-status-danger, #c21d00); }`,
  ],
})
export class EnvSecretsEditorComponent implements OnChanges {
  @Input() env: Record<string, string> = {};
  @Input() secretNames: string[] = [];
  @Input() saving = false;
  @Output() readonly save = new EventEmitter<EnvSecretsChange>();

  protected readonly form = new FormGroup({ env: new FormArray<Entry>([]), secrets: new FormArray<Entry>([]) });
  protected readonly replacing = signal<Record<string, FormControl<string>>>({});
  protected readonly removed = signal<string[]>([]);
  protected readonly invalid = signal(false);

  private shown = '';

  ngOnChanges(): void {
    const shown = JSON.stringify([this.env, this.secretNames]);
    if (shown === this.shown) return; // the same env re-read (e.g. while a version builds): keep the user's edits
    this.shown = shown;
    this.form.controls.env.clear();
    for (const [name, value] of Object.entries(this.env)) this.form.controls.env.push(entry(name, value));
    this.form.controls.secrets.clear();
    this.replacing.set({});
    this.removed.set([]);
    this.invalid.set(false);
  }

  protected addEnv(): void {
    this.form.controls.env.push(entry('', ''));
  }

  protected addSecret(): void {
    this.form.controls.secrets.push(entry('', ''));
  }

  protected replace(name: string): void {
    this.replacing.update((r) => ({ ...r, [name]: new FormControl('', { nonNullable: true }) }));
  }

  protected remove(name: string): void {
    this.removed.update((r) => [...r, name]);
  }

  protected undoRemove(name: string): void {
    this.removed.update((r) => r.filter((n) => n !== name));
  }

  protected submit(): void {
    const env: Record<string, string> = {};
    const secrets: Record<string, string | null> = {};
    let invalid = false;
    for (const { name, value } of this.form.controls.env.getRawValue()) {
      if (!name && !value) continue;
      if (!ENV_NAME.test(name.trim()) || name.trim() in env) invalid = true;
      env[name.trim()] = value;
    }
    for (const name of this.removed()) secrets[name] = null;
    for (const [name, control] of Object.entries(this.replacing())) if (control.value) secrets[name] = control.value;
    for (const { name, value } of this.form.controls.secrets.getRawValue()) {
      if (!name && !value) continue;
      if (!ENV_NAME.test(name.trim()) || !value) invalid = true;
      secrets[name.trim()] = value;
    }
    this.invalid.set(invalid);
    if (!invalid) this.save.emit({ env, secrets });
  }
}

function entry(name: string, value: string): Entry {
  return new FormGroup({
    name: new FormControl(name, { nonNullable: true, validators: [Validators.pattern(ENV_NAME)] }),
    value: new FormControl(value, { nonNullable: true }),
  });
}
