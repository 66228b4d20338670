import { Cron } from 'croner';
import { z } from 'zod';

/**
 * Schedule triggers (issue 13, item 2): a cron pattern in a time zone; the function runs once per tick, with the
 * tick in its event. Shared by server/ (validation, OpenAPI) and src/ (the form's next-run preview).
 */

/** Patterns are minute-precise: five fields (minute hour day-of-month month day-of-week) or a nickname (@hourly). */
export const MAX_CRON_FIELDS = 5;

/** The time zone a schedule counts in when none is given. */
export const DEFAULT_TIMEZONE = 'UTC';

/** Schedules a function may have beside its HTTP or event trigger. */
export const MAX_SCHEDULES = 4;

/** True for an IANA time zone name this runtime knows (Europe/Berlin, UTC). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Why the pattern cannot be a schedule, or undefined when it can. */
export function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length > MAX_CRON_FIELDS) {
    return 'cron has minute precision: five fields (minute hour day-of-month month day-of-week), at most once a minute';
  }
  try {
    new Cron(cron, { paused: true });
    return undefined;
  } catch (err) {
    return `cron does not parse: ${(err as Error).message.replace(/^CronPattern: /, '')}`;
  }
}

/** The next `count` ticks of a valid schedule after `from` (the form's preview, the scheduler's due ticks). */
export function nextTicks(schedule: { cron: string; timezone?: string }, from: Date, count: number): Date[] {
  const cron = new Cron(schedule.cron, { paused: true, timezone: schedule.timezone ?? DEFAULT_TIMEZONE });
  return cron.nextRuns(count, from);
}

export const ScheduleTriggerSchema = z
  .object({
    type: z.literal('schedule'),
    cron: z
      .string({ required_error: 'cron is required', invalid_type_error: 'cron is a string such as "*/5 * * * *"' })
      .trim()
      .min(1, 'cron is required')
      .max(100, 'cron is at most 100 characters')
      .superRefine((cron, ctx) => {
        const problem = cronProblem(cron);
        if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
      }),
    timezone: z
      .string({ invalid_type_error: 'timezone is an IANA time zone name such as Europe/Berlin' })
      .refine(isTimeZone, { message: 'timezone is not a known IANA time zone (e.g. Europe/Berlin, UTC)' })
      .default(DEFAULT_TIMEZONE),
  })
  .strict();
export type ScheduleTrigger = z.output<typeof ScheduleTriggerSchema>;

/** What a scheduled run's handler gets as its event. */
export interface ScheduleEvent {
  type: 'schedule';
  cron: string;
  timezone: string;
  /** The tick this run is for (ISO 8601, UTC), not the moment it started. */
  tick: string;
}

/** One entry of a function's tick history (GET .../functions/{name}/ticks, newest first). */
export const ScheduleTickSchema = z.object({
  schedule: z.object({ cron: z.string(), timezone: z.string() }),
  /** The tick (ISO 8601); for `missed`, the last of the ticks missed. */
  tick: z.string().datetime(),
  /** run: queued as activationId; missed: `missed` ticks from missedFrom to tick passed while no backend was up. */
  kind: z.enum(['run', 'missed']),
  activationId: z.string().optional(),
  missed: z.number().int().optional(),
  missedFrom: z.string().datetime().optional(),
});
export type ScheduleTickView = z.infer<typeof ScheduleTickSchema>;
export const ScheduleTickListSchema = z.object({ items: z.array(ScheduleTickSchema), total: z.number().int() });
export type ScheduleTickList = z.infer<typeof ScheduleTickListSchema>;
