import { AbstractControl, FormArray, FormControl, FormGroup, ValidationErrors, ValidatorFn, Validators } from '@angular/forms';
import type { ScheduleWindow } from '../../../contract/autoscale-schedule';
import { RULE_LIMITS, integer, optionalBounded, setOwnError } from './rule-validators';

/**
 * The rule wizard's schedule windows (issue 14 item 3, docs/autoscale-schedules.md): their form, the client mirrors of
 * the backend's cheap checks (server/autoscale/schedule.ts) and the window in words for the review page. Whether a
 * cron parses and whether two windows overlap stay the backend's: its 400 lands on the window's field.
 */
export const SCHEDULE_LIMITS = { windows: 10, durationMinutes: { min: 1, max: 10_080 }, nameMaxLength: 80 } as const;

/** `{timezone: true}` unless the browser knows the IANA zone (the backend asks Intl the same question). */
export const timezone: ValidatorFn = (control: AbstractControl): ValidationErrors | null => {
  const value = String(control.value ?? '').trim();
  if (value === '') return null;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return null;
  } catch {
    return { timezone: true };
  }
};

/** `{cronFields: true}` unless five fields (croner also takes a sixth, seconds, first). */
export const cronFields: ValidatorFn = (control: AbstractControl): ValidationErrors | null => {
  const fields = String(control.value ?? '').trim().split(/\s+/).length;
  return String(control.value ?? '').trim() === '' || fields === 5 || fields === 6 ? null : { cronFields: true };
};

const isSet = (v: unknown) => v !== null && v !== undefined && v !== '';

/** On a window: it sets minVms, maxVms or both, and its minVms does not exceed its maxVms (errors on minVms, as the backend names them). */
const windowLimits: ValidatorFn = (group: AbstractControl): ValidationErrors | null => {
  const min = group.get('minVms');
  const max = group.get('maxVms');
  if (!min || !max) return null;
  const none = !isSet(min.value) && !isSet(max.value);
  const inverted = isSet(min.value) && isSet(max.value) && Number(min.value) > Number(max.value);
  setOwnError(min, 'setsLimit', none);
  setOwnError(min, 'aboveWindowMax', inverted);
  return none || inverted ? { windowLimits: true } : null;
};

export interface WindowValue {
  name: string;
  cron: string;
  timezone: string;
  durationMinutes: number;
  minVms: number | null;
  maxVms: number | null;
}

/** A window's form group; a new one opens weekdays at 08:00 in the browser's zone for ten hours. */
export function windowGroup(w: Partial<WindowValue> = {}) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  return new FormGroup(
    {
      name: new FormControl(w.name ?? '', { nonNullable: true, validators: [Validators.maxLength(SCHEDULE_LIMITS.nameMaxLength)] }),
      cron: new FormControl(w.cron ?? '0 8 * * 1-5', { nonNullable: true, validators: [Validators.required, Validators.maxLength(100), cronFields] }),
      timezone: new FormControl(w.timezone ?? zone, { nonNullable: true, validators: [Validators.required, timezone] }),
      durationMinutes: new FormControl(w.durationMinutes ?? 600, {
        nonNullable: true,
        validators: [Validators.required, Validators.min(SCHEDULE_LIMITS.durationMinutes.min), Validators.max(SCHEDULE_LIMITS.durationMinutes.max), integer],
      }),
      minVms: new FormControl<number | null>(w.minVms ?? null, { validators: optionalBounded(RULE_LIMITS.vms, true) }),
      maxVms: new FormControl<number | null>(w.maxVms ?? null, { validators: optionalBounded(RULE_LIMITS.vms, true) }),
    },
    { validators: windowLimits },
  );
}
export type WindowForm = ReturnType<typeof windowGroup>;
export type SchedulesForm = FormArray<WindowForm>;

export const schedulesForm = (): SchedulesForm => new FormArray<WindowForm>([], { validators: [Validators.maxLength(SCHEDULE_LIMITS.windows)] });

/** Replaces the form's windows with a rule's (none: empty). */
export function fillSchedules(form: SchedulesForm, windows: ScheduleWindow[] | undefined): void {
  form.clear({ emitEvent: false });
  for (const w of windows ?? []) form.push(windowGroup({ ...w, name: w.name ?? '', minVms: w.minVms ?? null, maxVms: w.maxVms ?? null }), { emitEvent: false });
  form.updateValueAndValidity();
}

/** The rule's windows from the form, as the API takes them (an empty name and an empty limit are left out). */
export function schedulesOf(form: SchedulesForm): ScheduleWindow[] {
  return form.getRawValue().map((v) => ({
    ...(v.name.trim() ? { name: v.name.trim() } : {}),
    cron: v.cron.trim(),
    timezone: v.timezone.trim(),
    durationMinutes: Number(v.durationMinutes),
    ...(isSet(v.minVms) ? { minVms: Number(v.minVms) } : {}),
    ...(isSet(v.maxVms) ? { maxVms: Number(v.maxVms) } : {}),
  }));
}

/**
 * On the whole wizard form: a window stays within the rule's own limits (its floor not above the rule's maxVms, its
 * ceiling not below the rule's minVms), re-checked when either side changes.
 */
export const windowsWithinRule: ValidatorFn = (root: AbstractControl): ValidationErrors | null => {
  const ruleMin = root.get(['limits', 'minVms'])?.value;
  const ruleMax = root.get(['limits', 'maxVms'])?.value;
  let failed = false;
  for (const w of (root.get('schedules') as SchedulesForm | null)?.controls ?? []) {
    const { minVms, maxVms } = w.controls;
    const above = isSet(minVms.value) && isSet(ruleMax) && Number(minVms.value) > Number(ruleMax);
    const below = isSet(maxVms.value) && isSet(ruleMin) && Number(maxVms.value) < Number(ruleMin);
    setOwnError(minVms, 'aboveRuleMax', above);
    setOwnError(maxVms, 'belowRuleMin', below);
    failed ||= above || below;
  }
  return failed ? { windowsWithinRule: true } : null;
};

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Day-of-week field in words: '' for every day, undefined when it is not a plain day, range or list. */
function dayWords(field: string, locale: string): string | undefined {
  const day = (d: string) => new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 7 + (Number(d) % 7))));
  if (field === '*') return '';
  if (/^[0-7]-[0-7]$/.test(field)) return field.split('-').map(day).join('–');
  if (/^[0-7](,[0-7])*$/.test(field)) return field.split(',').map(day).join(', ');
  return undefined;
}

/**
 * A window's times in words, e.g. `{ days: 'Mon–Fri', time: '08:00–18:00' }` (days '' = every day), for a cron that
 * opens at one time of day on some weekdays and a window shorter than a day; null for anything else (shown as written).
 */
export function windowWords(cron: string, durationMinutes: number, locale: string): { days: string; time: string } | null {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5 || durationMinutes >= 1440) return null;
  const [minute, hour, dom, month, dow] = fields;
  if (!/^\d{1,2}$/.test(minute) || !/^\d{1,2}$/.test(hour) || dom !== '*' || month !== '*') return null;
  const start = Number(hour) * 60 + Number(minute);
  const days = dayWords(dow, locale);
  if (Number(minute) > 59 || Number(hour) > 23 || days === undefined) return null;
  return { days, time: `${hhmm(start)}–${hhmm((start + durationMinutes) % 1440)}` };
}
