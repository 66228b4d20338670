import { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';

/** Client-side mirrors of contract/showback.ts (not imported: that would bundle zod); the backend stays the judge. */
export const SOURCE_NAME_MAX_LENGTH = 100;

/** `{httpUrl: true}` unless the value is an absolute http(s) URL ({org}/{from}/{to} placeholders allowed). */
export const httpUrl: ValidatorFn = (control: AbstractControl): ValidationErrors | null => {
  const value = String(control.value ?? '').trim();
  if (value === '') return null;
  try {
    const url = new URL(value.replace(/\{(org|from|to)\}/g, 'x'));
    return url.protocol === 'http:' || url.protocol === 'https:' ? null : { httpUrl: true };
  } catch {
    return { httpUrl: true };
  }
};

/** `{cron: true}` unless the value has 5 or 6 cron fields. */
export const cronExpression: ValidatorFn = (control: AbstractControl): ValidationErrors | null => {
  const value = String(control.value ?? '').trim();
  if (value === '') return null;
  const fields = value.split(/\s+/);
  return (fields.length === 5 || fields.length === 6) && fields.every((f) => /^[\d*,\-/A-Za-z?LW#]+$/.test(f)) ? null : { cron: true };
};

/** On the group: an auth header needs both its name and its value (or neither). */
export const headerPair: ValidatorFn = (group: AbstractControl): ValidationErrors | null => {
  const name = String(group.get('authName')?.value ?? '').trim();
  const value = String(group.get('authValue')?.value ?? '').trim();
  return (name === '') === (value === '') ? null : { headerPair: true };
};
