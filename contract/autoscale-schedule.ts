import { z } from 'zod';

/**
 * Scheduled scaling (issue 14 item 3): time windows on a rule. A window opens at each time its cron names (in its
 * timezone) and stays open durationMinutes; while open its minVms raises the rule's floor and its maxVms lowers the
 * ceiling. The metric thresholds decide within those limits (docs/autoscale-schedules.md).
 */
export const MAX_SCHEDULE_WINDOWS = 10;

export const ScheduleWindowSchema = z
  .object({
    name: z.string().trim().max(80).optional(),
    /** Five fields (minute hour day-of-month month day-of-week), croner's syntax; checked by the backend. */
    cron: z.string().trim().min(1, 'is required').max(100),
    /** IANA time zone, e.g. Europe/Berlin. */
    timezone: z.string().trim().min(1).max(64).default('UTC'),
    durationMinutes: z.number().int().min(1, 'must be 1–10080 (a week)').max(10_080, 'must be 1–10080 (a week)'),
    minVms: z.number().int().min(1).max(100).optional(),
    maxVms: z.number().int().min(1).max(100).optional(),
  })
  .strict()
  .refine((w) => w.minVms !== undefined || w.maxVms !== undefined, { message: 'sets minVms, maxVms or both', path: ['minVms'] });
export type ScheduleWindow = z.infer<typeof ScheduleWindowSchema>;
export type ScheduleWindowInput = z.input<typeof ScheduleWindowSchema>;

export const SchedulesSchema = z.array(ScheduleWindowSchema).max(MAX_SCHEDULE_WINDOWS, `at most ${MAX_SCHEDULE_WINDOWS} windows`);

/** The window open at the time of a decision and the limits it set (dry run, decisions). */
export const ActiveScheduleSchema = z.object({
  /** Index in the rule's schedules. */
  window: z.number().int(),
  name: z.string().nullable(),
  openedAt: z.string().datetime(),
  closesAt: z.string().datetime(),
  /** The limits the decision used: the rule's, raised / lowered by the window. */
  minVms: z.number().int(),
  maxVms: z.number().int(),
});
export type ActiveSchedule = z.infer<typeof ActiveScheduleSchema>;
