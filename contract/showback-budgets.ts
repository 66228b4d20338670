import { z } from 'zod';
import { CurrencySchema, MonthSchema } from './showback';
import { AnomalySchema, COST_ANOMALY_EVENT } from './showback-anomalies';

/**
 * Showback budgets and their alerts (issue 15), under `/api/org/{org}/showback`:
 *   GET|POST budgets, GET|PUT|DELETE budgets/{id}, POST budgets/check (a budget the provider set: the tenant reads only)
 *   GET alerts?limit, GET alerts/{id} (with its webhook deliveries), POST webhook-secret (a new signing secret, shown once)
 * Money is integer minor units of the budget's currency; periods are UTC months `YYYY-MM`.
 */


export const THRESHOLD_TYPES = ['actual', 'forecast'] as const;
export type ThresholdType = (typeof THRESHOLD_TYPES)[number];

export const ThresholdSchema = z
  .object({
    /** actual: month-to-date spend; forecast: the end-of-month forecast. */
    type: z.enum(THRESHOLD_TYPES),
    /** Percent of the budget's amount, 0–1000 (e.g. 80, or 150 to hear of a forecast far above the budget). */
    percent: z.number().finite().min(0, 'must not be below 0 %').max(1000, 'must not be above 1000 %'),
  })
  .strict();
export type Threshold = z.infer<typeof ThresholdSchema>;

const ThresholdsSchema = z
  .array(ThresholdSchema)
  .min(1, 'at least one threshold')
  .max(10, 'at most 10 thresholds')
  .refine((list) => new Set(list.map((t) => `${t.type}:${t.percent}`)).size === list.length, 'a threshold is listed twice');

const WebhookUrl = z.string().max(2000).url('must be an http(s) URL').refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');
const ScopeName = z.string().trim().min(1).max(200);

export const CreateBudgetSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    /** Minor units of `currency` per UTC calendar month. */
    amount: z.number().int('must be whole minor units (cents)').positive('must be above 0').max(1e11, 'at most 1 000 000 000.00 per month'),
    /** Default: the org's currency (that of its latest cost). */
    currency: CurrencySchema.optional(),
    period: z.literal('monthly').default('monthly'),
    /** Only this service's cost counts (a service the org has costs for, or one of KNOWN_SERVICES). */
    service: ScopeName.nullable().optional(),
    /** Only this vApp's cost counts (a vApp the org has costs for). Not together with service. */
    vappId: ScopeName.nullable().optional(),
    thresholds: ThresholdsSchema.default([
      { type: 'actual', percent: 80 },
      { type: 'forecast', percent: 100 },
    ]),
    /** Where alerts are POSTed, signed with the org's webhook secret; a host the provider allows. */
    webhookUrl: WebhookUrl.nullable().optional(),
    /**
     * One of the org's functions subscribed to `showback/budget.threshold`: this budget's alerts run only it. Absent:
     * they run every function of the org subscribed to that event source.
     */
    function: z.string().trim().min(1).max(63).nullable().optional(),
  })
  .strict();
export type CreateBudgetRequest = z.input<typeof CreateBudgetSchema>;

export const UpdateBudgetSchema = CreateBudgetSchema.omit({ period: true, thresholds: true })
  .partial()
  .extend({ thresholds: ThresholdsSchema.optional() })
  .strict();
export type UpdateBudgetRequest = z.input<typeof UpdateBudgetSchema>;

export const BudgetStateSchema = z.object({
  /** The UTC month the state is about. */
  period: MonthSchema,
  /** Month to date in the budget's scope. */
  spent: z.number().int(),
  forecast: z.number().int(),
  /** spent / amount in %, one decimal. */
  spentPct: z.number(),
  forecastPct: z.number(),
  thresholds: z.array(
    ThresholdSchema.extend({
      /** The threshold in minor units. */
      at: z.number().int(),
      crossed: z.boolean(),
      /** The alert recorded for it this period, once the check ran. */
      alertId: z.string().nullable(),
    }),
  ),
});
export type BudgetState = z.infer<typeof BudgetStateSchema>;

export const BudgetSchema = z.object({
  id: z.string(),
  org: z.string(),
  name: z.string(),
  amount: z.number().int(),
  currency: CurrencySchema,
  period: z.literal('monthly'),
  service: z.string().nullable(),
  vappId: z.string().nullable(),
  thresholds: z.array(ThresholdSchema),
  webhookUrl: z.string().nullable(),
  /** The function its alerts run (null: every function subscribed to showback/budget.threshold). */
  function: z.string().nullable(),
  /** Set by the provider: a tenant reads it but cannot change or delete it. */
  providerOwned: z.boolean(),
  /** What the caller may do with it. */
  editable: z.boolean(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
  state: BudgetStateSchema,
  /** Only in the answer that gave the org its first webhook secret (a budget with a webhook): shown this once. */
  webhookSecret: z.string().optional(),
});
export type Budget = z.infer<typeof BudgetSchema>;

export const DELIVERY_STATES = ['none', 'pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const FUNCTION_STATES = ['none', 'pending', 'done', 'failed'] as const;
export type FunctionState = (typeof FUNCTION_STATES)[number];

/** The event a function subscribed to showback/budget.threshold gets: `alert` is the webhook's alert. */
export const BUDGET_THRESHOLD_EVENT = 'showback/budget.threshold' as const;

export const ALERT_KINDS = ['budget.threshold', 'cost.anomaly'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
/** The event source (webhook body type, function trigger) of each kind of alert. */
export const ALERT_EVENTS: Record<AlertKind, string> = { 'budget.threshold': BUDGET_THRESHOLD_EVENT, 'cost.anomaly': COST_ANOMALY_EVENT };

/**
 * A budget alert (kind budget.threshold: the budget and threshold fields are set, anomaly is null) or an anomaly's
 * alert (kind cost.anomaly: anomaly is set, the budget fields are null; threshold is the band's edge it crossed).
 */
export const AlertSchema = z.object({
  id: z.string(),
  org: z.string(),
  kind: z.enum(ALERT_KINDS),
  budgetId: z.string().nullable(),
  budgetName: z.string().nullable(),
  period: MonthSchema,
  type: z.enum(THRESHOLD_TYPES).nullable(),
  percent: z.number().nullable(),
  /** The threshold in minor units (an anomaly: the band's edge), and the spend (forecast, day's cost) that crossed it. */
  threshold: z.number().int().nullable(),
  value: z.number().int(),
  /** The budget's amount (null for an anomaly). */
  amount: z.number().int().nullable(),
  anomaly: AnomalySchema.pick({ day: true, service: true, expected: true, low: true, high: true, delta: true, vappId: true, vappName: true, vappDelta: true })
    .extend({ id: z.string() })
    .nullable(),
  currency: CurrencySchema,
  createdAt: z.string().datetime(),
  delivery: z.object({
    /** none: no webhook; pending: being sent or waiting for a retry; delivered; failed: retries used up. */
    state: z.enum(DELIVERY_STATES),
    attempts: z.number().int(),
    nextAttemptAt: z.string().datetime().nullable(),
    lastError: z.string().nullable(),
  }),
  /** The alert as a function's event (showback/budget.threshold). */
  functions: z.object({
    /** none: recorded before alerts ran functions; pending: to run (or again, after a refusal); done; failed: retries used up. */
    state: z.enum(FUNCTION_STATES),
    /** The budget's named function, null: every subscribed one. */
    target: z.string().nullable(),
    /** The functions that ran with it (their activations have trigger "event" and the alert as event). */
    ran: z.array(z.string()),
    lastError: z.string().nullable(),
  }),
});
export type Alert = z.infer<typeof AlertSchema>;

export const DeliverySchema = z.object({
  attempt: z.number().int(),
  at: z.string().datetime(),
  url: z.string(),
  /** The receiver's HTTP status, null when it was not reached. */
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int(),
});
export type Delivery = z.infer<typeof DeliverySchema>;
export const AlertDetailSchema = AlertSchema.extend({ deliveries: z.array(DeliverySchema) });
export type AlertDetail = z.infer<typeof AlertDetailSchema>;

export const AlertsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict();

/** The budget check's answer: alerts it recorded now (none when they were recorded before). */
export const BudgetCheckResultSchema = z.object({ checked: z.number().int(), alerts: z.array(AlertSchema) });
export type BudgetCheckResult = z.infer<typeof BudgetCheckResultSchema>;

/** `POST .../webhook-secret`: the org's new signing secret, shown this once (the old one stops signing). */
export const WebhookSecretSchema = z.object({
  secret: z.string(),
  /** How receivers check a delivery. */
  signature: z.string(),
});
export type WebhookSecret = z.infer<typeof WebhookSecretSchema>;

/**
 * The body POSTed to a budget's webhook. Headers: `X-Showback-Timestamp` (unix seconds), `X-Showback-Signature`
 * = `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` with the org's webhook secret, `X-Showback-Delivery` (alert id).
 */
export const AlertEventSchema = z.object({
  type: z.enum([BUDGET_THRESHOLD_EVENT, COST_ANOMALY_EVENT]),
  alert: AlertSchema.omit({ delivery: true, functions: true }),
});
export type AlertEvent = z.infer<typeof AlertEventSchema>;
