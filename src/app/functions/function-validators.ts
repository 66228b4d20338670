import { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';

/**
 * Client-side mirrors of contract/functions.ts (FunctionNameSchema, RouteSchema) for instant messages; the
 * backend stays the judge (reserved words, collisions) and its per-field problems land on the same controls.
 * The contract's values are not imported: they would bundle zod into the plugin.
 */
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const NAME_MAX_LENGTH = 63;
export const ROUTE_MAX_LENGTH = 200;

/** `{dnsLabel: true}` unless the value is a DNS label (RFC 1123): lower-case letters, digits and "-". */
export const dnsLabel: ValidatorFn = (control: AbstractControl): ValidationErrors | null => {
  const value = String(control.value ?? '').trim();
  return value === '' || DNS_LABEL.test(value) ? null : { dnsLabel: true };
};

/** `{routeSegments: true}` unless the route is "/"-separated DNS labels; leading and trailing "/" are dropped. */
export const routeSegments: ValidatorFn = (control: AbstractControl): ValidationErrors | null => {
  const value = String(control.value ?? '').trim().replace(/^\/+|\/+$/g, '');
  if (String(control.value ?? '').trim() === '') return null;
  return value !== '' && value.split('/').every((segment) => DNS_LABEL.test(segment)) ? null : { routeSegments: true };
};
