import { z } from 'zod';
import { CurrencySchema, DaySchema, MonthSchema } from './showback';

/**
 * Cost anomalies (issue 15), under `/api/org/{org}/showback`:
 *   GET anomalies?month=YYYY-MM | ?from&to (default: the current month), POST anomalies/check (judge now),
 *   GET|PUT anomalies/settings (where the org's anomaly alerts go: a webhook and a function).
 * A day is an anomaly of a service when its cost leaves median ± max(5 × 1.4826 × MAD, 15 % of the median) of the
 * same kind of day (weekday or weekend) over the 28 days before it (docs/showback.md). Money is integer minor units.
 */

/** The event a function subscribed to showback/cost.anomaly gets: `alert` is the webhook's alert. */
export const COST_ANOMALY_EVENT = 'showback/cost.anomaly' as const;

export const AnomalySchema = z.object({
  id: z.string(),
  org: z.string(),
  day: DaySchema,
  service: z.string(),
  currency: CurrencySchema,
  /** The day's cost of the service. */
  cost: z.number().int(),
  /** The baseline (median of the comparable days) and the band's edges. */
  expected: z.number().int(),
  low: z.number().int(),
  high: z.number().int(),
  /** cost − expected: the anomaly's size (negative: a drop). */
  delta: z.number().int(),
  /** The vApp with the largest share of delta (null: the service has no vApps, e.g. network). */
  vappId: z.string().nullable(),
  vappName: z.string().nullable(),
  /** That vApp's part of delta. */
  vappDelta: z.number().int().nullable(),
  createdAt: z.string().datetime(),
  /** The alert it raised. */
  alertId: z.string().nullable(),
});
export type Anomaly = z.infer<typeof AnomalySchema>;

export const AnomaliesQuerySchema = z
  .object({ month: MonthSchema.optional(), from: DaySchema.optional(), to: DaySchema.optional() })
  .strict()
  .describe('month, or from/to inclusive (not both); default: the current month');
export type AnomaliesQuery = z.infer<typeof AnomaliesQuerySchema>;

export const AnomaliesSchema = z.object({
  from: DaySchema,
  to: DaySchema,
  /** Oldest first. */
  items: z.array(AnomalySchema),
  total: z.number().int(),
});
export type Anomalies = z.infer<typeof AnomaliesSchema>;

/** `POST anomalies/check`: the days judged and the anomalies stored by this check (none when stored before). */
export const AnomalyCheckResultSchema = z.object({ from: DaySchema, to: DaySchema, anomalies: z.array(AnomalySchema) });
export type AnomalyCheckResult = z.infer<typeof AnomalyCheckResultSchema>;

const WebhookUrl = z.string().max(2000).url('must be an http(s) URL').refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');

export const AnomalySettingsSchema = z
  .object({
    /** Where anomaly alerts are POSTed, signed with the org's webhook secret; a host the provider allows. */
    webhookUrl: WebhookUrl.nullable().default(null),
    /** One of the org's functions subscribed to showback/cost.anomaly (null: every subscribed function runs). */
    function: z.string().trim().min(1).max(63).nullable().default(null),
  })
  .strict();
export type AnomalySettingsRequest = z.input<typeof AnomalySettingsSchema>;
export type AnomalySettings = z.infer<typeof AnomalySettingsSchema> & {
  /** Only in the answer that gave the org its first webhook secret: shown this once. */
  webhookSecret?: string;
};
export const AnomalySettingsViewSchema = AnomalySettingsSchema.extend({ webhookSecret: z.string().optional() });
