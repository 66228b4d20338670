import { z } from 'zod';

/**
 * Budget guard (issue 14 item 6) and scaling ahead of the forecast (item 4's opt-in): the rule fields and what the dry
 * run shows of them. Money is integer minor units (cents) of the org's showback currency, as showback's budgets.
 */

/** A rule's monthly cost ceiling: a scale out that would take the org's month-end forecast above it is held. */
export const MonthlyCostCeilingSchema = z.number().int('must be whole minor units (cents)').positive('must be above 0').max(1e11, 'at most 1 000 000 000.00 per month');

/** Scale out this many minutes ahead of the load forecast (absent: thresholds and windows only). */
export const ScheduleBufferMinutesSchema = z.number().int().min(5, 'must be 5–720 minutes').max(720, 'must be 5–720 minutes');

/** What a decision costs: the VMs it adds (or removes) priced with the org's rate card until the end of the UTC month. */
export const CostEffectSchema = z.object({
  currency: z.string(),
  /** Price of one VM of the rule's template per hour powered on (vCPU-hours + GB RAM-hours), in minor units. */
  vmHourPrice: z.number(),
  /** The template's hardware the price is made of. */
  template: z.object({ cpus: z.number().int(), memoryMb: z.number().int() }),
  /** VMs the decision adds (negative: removes). */
  vmsChange: z.number().int(),
  hoursLeftInMonth: z.number(),
  /** vmsChange × vmHourPrice × hoursLeftInMonth. */
  monthCostChange: z.number().int(),
  monthToDate: z.number().int(),
  /** Showback's month-end forecast before and after the decision. */
  forecast: z.number().int(),
  forecastAfter: z.number().int(),
  /** The rule's ceiling; null when it has none. */
  ceiling: z.number().int().nullable(),
  /** The budget guard held a scale out the thresholds wanted. */
  held: z.boolean(),
});
export type CostEffect = z.infer<typeof CostEffectSchema>;

/** The forecast's VM count `bufferMinutes` ahead, and whether it raised the decision. */
export const AheadSchema = z.object({
  bufferMinutes: z.number().int(),
  at: z.number(),
  /** VMs the forecast load implies then, within the limits in force now. */
  vms: z.number().int(),
  /** The decision scales (or stays) up for the forecast rather than for the current load. */
  applied: z.boolean(),
});
export type Ahead = z.infer<typeof AheadSchema>;
