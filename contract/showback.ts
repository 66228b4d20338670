import { z } from 'zod';
import { CurrencySchema } from './showback-prices';

export * from './showback-prices';

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
 *   budgets, alerts, webhook-secret: contract/showback-budgets.ts
 *   GET export.focus.csv?from&to | export.focus.json?from&to (FOCUS 1.2 columns, one row per charge)
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const DaySchema = z.string().regex(DAY, 'must be a UTC date YYYY-MM-DD');
export const MonthSchema = z.string().regex(/^\d{4}-\d{2}$/, 'must be a UTC month YYYY-MM');

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
    /**
     * How far to trust it: a back-test on this org's own complete past months (up to 6): the month-end forecast made
     * at the end of day 10 and of day 20, against what the month then cost, as a mean absolute % error. null when no
     * complete month with a week of history before it is stored.
     */
    accuracy: z
      .object({
        months: z.number().int(),
        mapeDay10Pct: z.number(),
        mapeDay20Pct: z.number(),
      })
      .nullable(),
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

// ---------- FOCUS export ----------

/** The FOCUS version the export speaks (FinOps Open Cost and Usage Specification, focus.finops.org). */
export const FOCUS_EXPORT_VERSION = '1.2';
