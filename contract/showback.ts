import { z } from 'zod';

/**
 * The showback part of the public contract (DESIGN §4), shared by server/ (validation, OpenAPI)
 * and src/ (types only: `import type`). Money is integer minor units (cents) with an ISO 4217 currency;
 * days are `YYYY-MM-DD` and months `YYYY-MM`, both UTC.
 *
 * Routes (all under `/api/org/{org}/showback`, which the API extension's URL patterns already cover):
 *   GET summary | monthly?months | daily?from&to | breakdown?by&top&from&to | export.csv?from&to
 *   GET|POST sources, GET|PUT|DELETE sources/{id}, POST sources/{id}/run | sources/{id}/test, GET sources/{id}/runs
 *   POST imports (text/csv or application/json body; FOCUS 1.x)
 *   GET ratecard (a tenant: its org's effective rates, read only)
 *   Provider session only (any {org}, e.g. System): PUT ratecard, GET provider/orgs (all orgs this month)
 *   GET|POST budgets, GET|PUT|DELETE budgets/{id}, POST budgets/check (a budget the provider set: the tenant reads only)
 *   GET alerts, GET alerts/{id} (with its webhook deliveries), POST webhook-secret (a new signing secret, shown once)
 *   GET export.focus.csv?from&to | export.focus.json?from&to (FOCUS 1.2 columns, one row per charge)
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const DaySchema = z.string().regex(DAY, 'must be a UTC date YYYY-MM-DD');
export const MonthSchema = z.string().regex(/^\d{4}-\d{2}$/, 'must be a UTC month YYYY-MM');
export const CurrencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code, e.g. EUR');

/** Where a cost came from. */
export const SOURCE_KINDS = ['vcd', 'faas', 'focus', 'http', 'metered'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Services the demo data and the rate card speak of; other names are allowed (FOCUS, HTTP, metered). */
export const KNOWN_SERVICES = ['compute', 'storage', 'network', 'functions', 'backup'] as const;

// ---------- dashboard reads ----------

export const SummarySchema = z.object({
  org: z.string(),
  currency: CurrencySchema,
  /** The month the summary is about (the current UTC month). */
  month: MonthSchema,
  /** Days of the month with data so far / days in the month. */
  dayOfMonth: z.number().int(),
  daysInMonth: z.number().int(),
  monthToDate: z.number().int(),
  forecast: z.object({
    /** End-of-month cost: month to date + run rate × remaining days. */
    value: z.number().int(),
    low: z.number().int(),
    high: z.number().int(),
    /** Cost per remaining day used by the forecast (trend-aware). */
    runRatePerDay: z.number().int(),
    /** One line that says how the forecast was made, for a tooltip. */
    method: z.string(),
  }),
  lastMonth: z.number().int(),
  /** Forecast vs last month in %, null when last month is 0. */
  changePct: z.number().nullable(),
  /** Present when a source's last run failed: the data may be incomplete since then. */
  stale: z
    .object({ since: z.string().datetime(), sources: z.array(z.object({ id: z.string(), name: z.string(), error: z.string() })) })
    .nullable(),
  /** Latest period end of any stored cost (exclusive: the midnight after the last day), null when nothing is stored. */
  dataAsOf: z.string().datetime().nullable(),
  /** The last UTC day that has data, what "data as of …" shows; null when nothing is stored. */
  lastDataDay: DaySchema.nullable(),
});
export type Summary = z.infer<typeof SummarySchema>;

export const MonthlyQuerySchema = z.object({ months: z.coerce.number().int().min(1).max(36).default(6) }).strict();
export const MonthlySchema = z.object({
  currency: CurrencySchema,
  /** Oldest first, one entry per month (zero-filled), the current month last. */
  items: z.array(
    z.object({
      month: MonthSchema,
      total: z.number().int(),
      /** Cost per service in that month. */
      byService: z.record(z.number().int()),
    }),
  ),
});
export type Monthly = z.infer<typeof MonthlySchema>;

export const DailyQuerySchema = z
  .object({ from: DaySchema.optional(), to: DaySchema.optional() })
  .strict()
  .describe('from/to inclusive, default: the current month');
export const DailySchema = z.object({
  currency: CurrencySchema,
  from: DaySchema,
  to: DaySchema,
  /** One entry per day from..to (zero-filled). */
  items: z.array(z.object({ day: DaySchema, total: z.number().int(), byService: z.record(z.number().int()) })),
});
export type Daily = z.infer<typeof DailySchema>;

export const BREAKDOWN_DIMENSIONS = ['vapp', 'vm', 'service', 'function', 'source'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];
export const BreakdownQuerySchema = z
  .object({
    by: z.enum(BREAKDOWN_DIMENSIONS).default('service'),
    top: z.coerce.number().int().min(1).max(100).default(10),
    from: DaySchema.optional(),
    to: DaySchema.optional(),
  })
  .strict();
export const BreakdownSchema = z.object({
  currency: CurrencySchema,
  by: z.enum(BREAKDOWN_DIMENSIONS),
  from: DaySchema,
  to: DaySchema,
  total: z.number().int(),
  /** Largest first; `key` is the id (vApp id, VM id, service, function name, source id), `name` its label. */
  items: z.array(z.object({ key: z.string(), name: z.string(), cost: z.number().int(), sharePct: z.number() })),
  /** Cost of everything past the top N. */
  other: z.number().int(),
});
export type Breakdown = z.infer<typeof BreakdownSchema>;

// ---------- sources ----------

const HttpUrl = z.string().url('must be an http(s) URL').refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');
const Schedule = z
  .string()
  .min(1)
  .max(100)
  .describe('cron expression (5 or 6 fields), e.g. "0 * * * *"');

/** How an HTTP billing source's JSON maps onto cost records: dotted paths into each item. */
export const HttpFieldMapSchema = z
  .object({
    /** Path to the array of rows in the answer, e.g. "data.items"; empty = the answer itself, or its "items". */
    items: z.string().default(''),
    id: z.string().default('id'),
    start: z.string().default('start'),
    end: z.string().default('end'),
    cost: z.string().default('cost'),
    currency: z.string().default('currency'),
    service: z.string().default('service'),
    resourceId: z.string().default('resourceId'),
    resourceName: z.string().default('resourceName'),
    vappId: z.string().default('vappId'),
    vappName: z.string().default('vappName'),
    quantity: z.string().default('quantity'),
    unit: z.string().default('unit'),
    /** The cost is in major units (e.g. 12.34) and is converted to minor units. Default true. */
    costInMajorUnits: z.boolean().default(true),
  })
  .strict();

export const HttpSourceConfigSchema = z
  .object({
    url: HttpUrl.describe('may contain {org}, {from} and {to} placeholders'),
    /** A header sent with each request, e.g. {name: "Authorization", value: "Bearer …"}; the value is write-only. */
    authHeader: z.object({ name: z.string().min(1), value: z.string().min(1) }).strict().optional(),
    mapping: HttpFieldMapSchema.default({}),
  })
  .strict();

export const VcdSourceConfigSchema = z.object({}).strict();
export const FaasSourceConfigSchema = z.object({}).strict();
export const MeteredSourceConfigSchema = z
  .object({ exchange: z.string().min(1).max(200).default('showback.usage'), queue: z.string().min(1).max(200).optional() })
  .strict();

export const CreateSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('http'), name: z.string().min(1).max(100), schedule: Schedule.default('0 * * * *'), enabled: z.boolean().default(true), config: HttpSourceConfigSchema }).strict(),
  z.object({ kind: z.literal('vcd'), name: z.string().min(1).max(100), schedule: Schedule.default('0 * * * *'), enabled: z.boolean().default(true), config: VcdSourceConfigSchema.default({}) }).strict(),
  z.object({ kind: z.literal('faas'), name: z.string().min(1).max(100), schedule: Schedule.default('*/15 * * * *'), enabled: z.boolean().default(true), config: FaasSourceConfigSchema.default({}) }).strict(),
  z.object({ kind: z.literal('metered'), name: z.string().min(1).max(100), schedule: Schedule.default('* * * * *'), enabled: z.boolean().default(true), config: MeteredSourceConfigSchema.default({}) }).strict(),
]);
export type CreateSourceRequest = z.input<typeof CreateSourceSchema>;

export const UpdateSourceSchema = z
  .object({
    name: z.string().min(1).max(100).optional(),
    schedule: Schedule.optional(),
    enabled: z.boolean().optional(),
    config: z.record(z.unknown()).optional(),
  })
  .strict();
export type UpdateSourceRequest = z.input<typeof UpdateSourceSchema>;

export const RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const RunSchema = z.object({
  id: z.string(),
  sourceId: z.string(),
  trigger: z.enum(['schedule', 'manual', 'backfill', 'retry']),
  status: z.enum(RUN_STATUSES),
  from: z.string().datetime(),
  to: z.string().datetime(),
  startedAt: z.string().datetime(),
  finishedAt: z.string().datetime().nullable(),
  durationMs: z.number().int().nullable(),
  /** Records read from the source / written (new or changed) to the store. */
  rowsRead: z.number().int(),
  rowsWritten: z.number().int(),
  attempt: z.number().int(),
  error: z.string().nullable(),
});
export type Run = z.infer<typeof RunSchema>;

export const SourceSchema = z.object({
  id: z.string(),
  org: z.string(),
  kind: z.enum(SOURCE_KINDS),
  name: z.string(),
  schedule: z.string(),
  enabled: z.boolean(),
  /** The config without write-only values (authHeader.value is replaced by "***"). */
  config: z.record(z.unknown()),
  /** Next scheduled run, null when disabled. */
  nextRunAt: z.string().datetime().nullable(),
  lastRun: RunSchema.nullable(),
  /** Set while the last run failed: since when the source's data may be missing. */
  staleSince: z.string().datetime().nullable(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
});
export type Source = z.infer<typeof SourceSchema>;

/** `POST .../sources/{id}/run`: run now, or a backfill when from/to are given. */
export const RunSourceSchema = z.object({ from: DaySchema.optional(), to: DaySchema.optional() }).strict();
export type RunSourceRequest = z.input<typeof RunSourceSchema>;

/** `POST .../sources/{id}/test`: fetch without storing. */
export const SourceTestResultSchema = z.object({
  ok: z.boolean(),
  rowsRead: z.number().int(),
  durationMs: z.number().int(),
  error: z.string().nullable(),
  /** Up to 5 mapped rows, to check the field mapping. */
  sample: z.array(z.record(z.unknown())),
});
export type SourceTestResult = z.infer<typeof SourceTestResultSchema>;

// ---------- imports (FOCUS) ----------

export const FOCUS_REQUIRED_COLUMNS = ['BilledCost', 'BillingCurrency', 'ChargePeriodStart', 'ChargePeriodEnd', 'ServiceName'] as const;

export const ImportResultSchema = z.object({
  id: z.string(),
  format: z.enum(['csv', 'json']),
  rows: z.number().int(),
  /** Rows that changed the store (a re-import of the same file writes 0). */
  written: z.number().int(),
  total: z.number().int(),
  currency: CurrencySchema,
  from: z.string().datetime(),
  to: z.string().datetime(),
});
export type ImportResult = z.infer<typeof ImportResultSchema>;
/** A bad file answers 400 problem+json whose errors[] entries have path "line 3, column BilledCost". */

// ---------- rate card (provider only) ----------

const Price = z.number().min(0, 'must not be negative').finite();
export const RatesSchema = z
  .object({
    vcpuHour: Price.describe('per vCPU-hour powered on'),
    ramGbHour: Price.describe('per GB RAM-hour powered on'),
    storageGbMonth: Price.describe('per GB storage-month'),
    functionInvocation: Price.describe('per function invocation'),
    functionGbSecond: Price.describe('per GB-second of function memory × duration'),
    /** Metered custom services: "<service>.<metric>" → price per unit. */
    metered: z.record(Price).default({}),
  })
  .strict();
/** Prices are in major units of `currency` with fractions (e.g. 0.0123 EUR per vCPU-hour). */
export const RateCardSchema = z
  .object({
    currency: CurrencySchema,
    rates: RatesSchema,
    /** Per-org overrides, keyed by org name (lower-case); only the given rates change. */
    overrides: z.record(RatesSchema.partial()).default({}),
  })
  .strict();
export type RateCard = z.infer<typeof RateCardSchema>;
export type RateCardInput = z.input<typeof RateCardSchema>;
/**
 * `GET .../ratecard`: the provider reads the whole card (editable); a tenant reads the rates its org is charged
 * (the card's with its override applied, no other org's overrides), read only.
 */
export const RateCardViewSchema = RateCardSchema.extend({ editable: z.boolean() });
export type RateCardView = z.infer<typeof RateCardViewSchema>;

// ---------- provider view ----------

export const ProviderOrgsSchema = z.object({
  currency: CurrencySchema,
  month: MonthSchema,
  items: z.array(
    z.object({ org: z.string(), monthToDate: z.number().int(), forecast: z.number().int(), lastMonth: z.number().int(), stale: z.boolean() }),
  ),
});
export type ProviderOrgs = z.infer<typeof ProviderOrgsSchema>;

// ---------- metered usage event (RabbitMQ) ----------

export const MeteredEventSchema = z
  .object({
    id: z.string().min(1).max(200),
    org: z.string().min(1).max(100),
    service: z.string().min(1).max(100),
    metric: z.string().min(1).max(100),
    quantity: z.number().finite().nonnegative(),
    unit: z.string().min(1).max(50),
    at: z.string().datetime(),
  })
  .strict();
export type MeteredEvent = z.infer<typeof MeteredEventSchema>;

// ---------- budgets and alerts ----------

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

export const AlertSchema = z.object({
  id: z.string(),
  org: z.string(),
  kind: z.literal('budget.threshold'),
  budgetId: z.string(),
  budgetName: z.string(),
  period: MonthSchema,
  type: z.enum(THRESHOLD_TYPES),
  percent: z.number(),
  /** The threshold in minor units, and the spend (or forecast) that crossed it. */
  threshold: z.number().int(),
  value: z.number().int(),
  amount: z.number().int(),
  currency: CurrencySchema,
  createdAt: z.string().datetime(),
  delivery: z.object({
    /** none: no webhook; pending: being sent or waiting for a retry; delivered; failed: retries used up. */
    state: z.enum(DELIVERY_STATES),
    attempts: z.number().int(),
    nextAttemptAt: z.string().datetime().nullable(),
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
  type: z.literal('showback/budget.threshold'),
  alert: AlertSchema.omit({ delivery: true }),
});
export type AlertEvent = z.infer<typeof AlertEventSchema>;

// ---------- FOCUS export ----------

/** The FOCUS version the export speaks (FinOps Open Cost and Usage Specification, focus.finops.org). */
export const FOCUS_EXPORT_VERSION = '1.2';
