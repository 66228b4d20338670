import { AbstractControl, ValidationErrors, ValidatorFn, Validators } from '@angular/forms';

/**
 * Client-side mirrors of contract/autoscale.ts (RuleFields, ruleIssues) for instant messages in the wizard; the
 * backend stays the judge (references in vCD, one rule per vApp) and its field problems land on the same controls.
 * The contract's values are not imported: they would bundle zod into the plugin.
 */
export const RULE_NAME_MAX_LENGTH = 80;
const RULE_NAME = /^[\w .-]+$/;

/** Bounds of the numeric fields, as the backend's schema has them. */
export const RULE_LIMITS = {
  percent: { min: 0, max: 100 },
  vms: { min: 1, max: 100 },
  step: { min: 1, max: 20 },
  cooldownSeconds: { min: 0, max: 86_400 },
  stabilizationSeconds: { min: 0, max: 86_400 },
  evaluationSeconds: { min: 1, max: 3_600 },
  /** Optional: the monthly cost ceiling in major units of the org's currency (the wire has cents), and the forecast buffer. */
  monthlyCostCeiling: { min: 0.01, max: 1_000_000_000 },
  scheduleBufferMinutes: { min: 5, max: 720 },
} as const;

/** An optional number within [min, max]: empty is fine. */
export function optionalBounded(range: { min: number; max: number }, whole: boolean): ValidatorFn[] {
  return [Validators.min(range.min), Validators.max(range.max), ...(whole ? [integer] : [])];
}

/** `{ruleName: true}` unless letters, digits, space, dot, dash, underscore. */
export const ruleName: ValidatorFn = (control: AbstractControl): ValidationErrors | null => {
  const value = String(control.value ?? '').trim();
  return value === '' || RULE_NAME.test(value) ? null : { ruleName: true };
};

/** `{integer: true}` unless a whole number. */
export const integer: ValidatorFn = (control: AbstractControl): ValidationErrors | null =>
  control.value === null || control.value === '' || Number.isInteger(Number(control.value)) ? null : { integer: true };

/** required, a number within [min, max] (and whole when `whole`). */
export function bounded(range: { min: number; max: number }, whole = true): ValidatorFn[] {
  return [Validators.required, Validators.min(range.min), Validators.max(range.max), ...(whole ? [integer] : [])];
}

/**
 * On the thresholds group: scale in must stay below scale out, for CPU and memory alike (else a rule would flap).
 * The error sits on the scale-in control, as the backend names `scaleIn.cpuPercent`.
 */
export const scaleInBelowScaleOut: ValidatorFn = (group: AbstractControl): ValidationErrors | null => {
  let failed = false;
  for (const metric of ['Cpu', 'Memory']) {
    const scaleIn = group.get(`scaleIn${metric}`);
    const scaleOut = group.get(`scaleOut${metric}`);
    if (!scaleIn || !scaleOut) continue;
    const bad = isNumber(scaleIn.value) && isNumber(scaleOut.value) && Number(scaleIn.value) >= Number(scaleOut.value);
    setOwnError(scaleIn, 'notBelowScaleOut', bad);
    failed ||= bad;
  }
  return failed ? { scaleInBelowScaleOut: true } : null;
};

/** On the limits group: the minimum VM count must not exceed the maximum (error on minVms, as the backend names it). */
export const minNotAboveMax: ValidatorFn = (group: AbstractControl): ValidationErrors | null => {
  const min = group.get('minVms');
  const max = group.get('maxVms');
  if (!min || !max) return null;
  const bad = isNumber(min.value) && isNumber(max.value) && Number(min.value) > Number(max.value);
  setOwnError(min, 'aboveMax', bad);
  return bad ? { minNotAboveMax: true } : null;
};

function isNumber(value: unknown): boolean {
  return value !== null && value !== '' && Number.isFinite(Number(value));
}

/** Sets or clears one cross-field error on a control, keeping its own validators' errors. */
export function setOwnError(control: AbstractControl, key: string, on: boolean): void {
  const { [key]: _had, ...others } = control.errors ?? {};
  const next = on ? { ...others, [key]: true } : others;
  control.setErrors(Object.keys(next).length ? next : null, { emitEvent: false });
}
