import { z } from 'zod';
import { ActiveScheduleSchema, SchedulesSchema } from './autoscale-schedule';
import { VropsGroupIdSchema } from './autoscale-vrops';
import { HooksSchema } from './autoscale-hooks';
import { AheadSchema, CostEffectSchema, MonthlyCostCeilingSchema, ScheduleBufferMinutesSchema } from './autoscale-budget';

/**
 * The autoscale part of the public contract (DESIGN §4), shared by server/ (validation, OpenAPI)
 * and src/ (types only: `import type`).
 *
 * Routes (all under `/api/org/{org}/autoscale`):
 *   GET|POST rules, GET|PUT|DELETE rules/{id}, GET rules/{id}/events, POST rules/{id}/dry-run
 *   GET rules/{id}/metrics (the vApp's recent CPU and memory from vCD)
 *   GET rules/{id}/history (who changed what, before → after), POST rules/backtest (a draft rule over the last N days)
 *   GET catalog/vapps|templates|edge-gateways, GET catalog/edge-gateways/{id}/pools (what the wizard may pick)
 *   POST|PUT alerts (a vROps REST notification; PUT alerts/{alertId} when it is canceled)
 */

const Percent = z.number().min(0, 'must be 0–100').max(100, 'must be 0–100');

export const ThresholdsSchema = z.object({ cpuPercent: Percent, memoryPercent: Percent }).strict();
export type Thresholds = z.infer<typeof ThresholdsSchema>;

/** vCD ids: a URN (`urn:vcloud:vapp:<uuid>`) or the bare uuid. */
const VcdId = z.string().trim().min(1, 'is required').max(200);

const RuleFields = {
  name: z.string().trim().min(1, 'is required').max(80).regex(/^[\w .-]+$/, 'letters, digits, space, dot, dash, underscore'),
  vAppId: VcdId,
  templateId: VcdId,
  edgeGatewayId: VcdId,
  lbPoolName: z.string().trim().min(1, 'is required').max(200),
  scaleOut: ThresholdsSchema,
  scaleIn: ThresholdsSchema,
  minVms: z.number().int().min(1).max(100),
  maxVms: z.number().int().min(1).max(100),
  step: z.number().int().min(1).max(20),
  cooldownSeconds: z.number().int().min(0).max(86_400),
  stabilizationSeconds: z.number().int().min(0).max(86_400),
  evaluationSeconds: z.number().int().min(1).max(3_600),
  enabled: z.boolean(),
  /** Time windows that set min/max for their span (contract/autoscale-schedule.ts); absent = none. */
  schedules: SchedulesSchema.optional(),
  /** The vROps custom group the rule keeps its vApp's VMs in (contract/autoscale-vrops.ts); absent or null = none. */
  vropsGroupId: VropsGroupIdSchema.optional(),
  /** Lifecycle hooks that call one of the org's functions (contract/autoscale-hooks.ts). */
  hooks: HooksSchema.optional(),
  /** A monthly cost ceiling in minor units of the org's showback currency (contract/autoscale-budget.ts). */
  monthlyCostCeiling: MonthlyCostCeilingSchema.nullable().optional(),
  /** Scale out ahead of the load forecast by this many minutes (contract/autoscale-budget.ts); absent = off. */
  scheduleBufferMinutes: ScheduleBufferMinutesSchema.nullable().optional(),
};

const RuleBase = z.object(RuleFields).strict();
export type RuleInput = z.infer<typeof RuleBase>;

/** Cross-field checks shared by create and update (after defaults and merge): each names its field. */
export function ruleIssues(r: Pick<RuleInput, 'scaleIn' | 'scaleOut' | 'minVms' | 'maxVms'>): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if (r.scaleIn.cpuPercent >= r.scaleOut.cpuPercent) out.push({ path: 'scaleIn.cpuPercent', message: 'must be below scaleOut.cpuPercent' });
  if (r.scaleIn.memoryPercent >= r.scaleOut.memoryPercent) out.push({ path: 'scaleIn.memoryPercent', message: 'must be below scaleOut.memoryPercent' });
  if (r.minVms > r.maxVms) out.push({ path: 'minVms', message: 'must not exceed maxVms' });
  return out;
}

const withCrossChecks = <T extends z.ZodTypeAny>(schema: T) =>
  schema.superRefine((r: RuleInput, ctx) => {
    for (const issue of ruleIssues(r)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: issue.path.split('.'), message: issue.message });
  });

/** POST rules: defaults like the HPA's (stabilization 300 s). */
export const RuleCreateSchema = withCrossChecks(
  RuleBase.extend({
    minVms: RuleFields.minVms.default(1),
    maxVms: RuleFields.maxVms.default(5),
    step: RuleFields.step.default(1),
    cooldownSeconds: RuleFields.cooldownSeconds.default(120),
    stabilizationSeconds: RuleFields.stabilizationSeconds.default(300),
    evaluationSeconds: RuleFields.evaluationSeconds.default(60),
    enabled: RuleFields.enabled.default(true),
  }),
);
export type RuleCreate = z.input<typeof RuleCreateSchema>;

/** PUT rules/{id}: any subset; the merged rule is checked again. */
export const RuleUpdateSchema = RuleBase.partial().strict();
export type RuleUpdate = z.infer<typeof RuleUpdateSchema>;

export const RuleSchema = RuleBase.extend({
  id: z.string(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
});
export type Rule = z.infer<typeof RuleSchema>;

// ---------- decisions ----------

export const DECISION_ACTIONS = ['scaleOut', 'scaleIn', 'none'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

export const DecisionSchema = z.object({
  action: z.enum(DECISION_ACTIONS),
  /** VM count the rule wants; equals the current count when action is none. */
  desired: z.number().int(),
  current: z.number().int(),
  /** Machine-readable cause, e.g. `above-scale-out`, `cooldown`, `stabilizing`, `flapping-guard`, `at-max`. */
  reason: z.string(),
  /** One sentence for people. */
  detail: z.string(),
});
export type Decision = z.infer<typeof DecisionSchema>;

/** A rule as the list shows it: with its latest journalled decision (null before the first evaluation). */
export const RuleSummarySchema = RuleSchema.extend({
  lastDecision: DecisionSchema.extend({ at: z.string().datetime() }).nullable(),
});
export type RuleSummary = z.infer<typeof RuleSummarySchema>;
export const RuleListSchema = z.object({ items: z.array(RuleSummarySchema), total: z.number().int() });
export type RuleList = z.infer<typeof RuleListSchema>;

/** One observation of the group: averages over its serving VMs, in percent. */
export const MetricSampleSchema = z.object({ at: z.number(), cpuPercent: z.number(), memoryPercent: z.number() });
export type MetricSample = z.infer<typeof MetricSampleSchema>;

export const DryRunSchema = z.object({
  rule: z.string(),
  decision: DecisionSchema,
  metrics: z.object({ cpuPercent: z.number(), memoryPercent: z.number(), vms: z.number().int() }).nullable(),
  /** The schedule window open now and the limits it set; null when none is open. */
  schedule: ActiveScheduleSchema.nullable().optional(),
  /** What the decision costs against the org's month (null: showback cannot price it, e.g. no template hardware). */
  cost: CostEffectSchema.nullable().optional(),
  /** The forecast the rule scales ahead of (rules with scheduleBufferMinutes; null when there is no history). */
  ahead: AheadSchema.nullable().optional(),
});
export type DryRun = z.infer<typeof DryRunSchema>;

/** GET rules/{id}/metrics: averages over the vApp's powered-on VMs per vCD sample, oldest first. */
export const RuleMetricsQuerySchema = z.object({ minutes: z.coerce.number().int().min(1).max(1440).default(60) }).strict();
export const RuleMetricsSchema = z.object({ items: z.array(MetricSampleSchema), vms: z.number().int() });
export type RuleMetrics = z.infer<typeof RuleMetricsSchema>;

// ---------- pickers: the org's vCD objects a rule may name, read with the caller's session ----------

export const CatalogVAppSchema = z.object({ id: z.string(), name: z.string(), status: z.string(), vmCount: z.number().int(), vdcName: z.string() });
export const CatalogTemplateSchema = z.object({ id: z.string(), name: z.string(), vmCount: z.number().int(), catalogName: z.string() });
export const CatalogEdgeGatewaySchema = z.object({ id: z.string(), name: z.string(), vdcName: z.string() });
export const CatalogPoolSchema = z.object({ id: z.string(), name: z.string(), memberCount: z.number().int(), enabled: z.boolean() });
export type CatalogVApp = z.infer<typeof CatalogVAppSchema>;
export type CatalogTemplate = z.infer<typeof CatalogTemplateSchema>;
export type CatalogEdgeGateway = z.infer<typeof CatalogEdgeGatewaySchema>;
export type CatalogPool = z.infer<typeof CatalogPoolSchema>;
export const catalogListOf = <T extends z.ZodTypeAny>(item: T) => z.object({ items: z.array(item) });
export interface CatalogList<T> {
  items: T[];
}

// ---------- events ----------

export const EVENT_KINDS = ['alert', 'decision', 'step', 'result', 'error'] as const;
export const EventSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  at: z.string().datetime(),
  kind: z.enum(EVENT_KINDS),
  message: z.string(),
  data: z.record(z.unknown()),
});
export type RuleEvent = z.infer<typeof EventSchema>;
export const EventListSchema = z.object({ items: z.array(EventSchema), total: z.number().int() });
export type EventList = z.infer<typeof EventListSchema>;

// ---------- alerts (vROps REST notification plugin, VCD-WIRE §5) ----------

export const VropsAlertSchema = z
  .object({
    alertId: z.string().min(1),
    alertName: z.string().optional(),
    status: z.string().min(1),
    criticality: z.string().optional(),
    resourceId: z.string().optional(),
    resourceName: z.string().optional(),
    resourceKind: z.string().optional(),
    adapterKind: z.string().optional(),
    startDate: z.number().nullable().optional(),
    updateDate: z.number().nullable().optional(),
    cancelDate: z.number().nullable().optional(),
    info: z.string().nullable().optional(),
  })
  .passthrough();
export type VropsAlert = z.infer<typeof VropsAlertSchema>;

export const AlertReceiptSchema = z.object({
  alertId: z.string(),
  status: z.string(),
  /** Rules the alert matched (by resourceName = rule name, or resourceId = the rule's vApp); empty = acknowledged only. */
  rules: z.array(z.object({ id: z.string(), decision: DecisionSchema })),
});
export type AlertReceipt = z.infer<typeof AlertReceiptSchema>;

// ---------- the rule's change journal (GET rules/{id}/history) ----------

/** One field a change touched, dotted like the validation paths (`scaleOut.cpuPercent`); values as JSON. */
export const RuleFieldChangeSchema = z.object({ field: z.string(), before: z.unknown(), after: z.unknown() });
export type RuleFieldChange = z.infer<typeof RuleFieldChangeSchema>;

export const RuleChangeSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  at: z.string().datetime(),
  /** `create` lists every field with before null; `update` only the fields that changed. */
  action: z.enum(['create', 'update']),
  /** Who, from the caller's vCD session: the user and the org of the session (a provider acts as System). */
  user: z.string(),
  userOrg: z.string(),
  changes: z.array(RuleFieldChangeSchema),
});
export type RuleChange = z.infer<typeof RuleChangeSchema>;
export const RuleHistorySchema = z.object({ items: z.array(RuleChangeSchema), total: z.number().int() });
export type RuleHistory = z.infer<typeof RuleHistorySchema>;

// ---------- backtest (POST rules/backtest): a draft rule replayed over the vApp's metric history ----------

export const BACKTEST_MAX_DAYS = 30;
export const BacktestRequestSchema = z
  .object({
    /** The draft rule, as POST rules takes it (nothing is saved). */
    rule: RuleCreateSchema,
    days: z.number().int().min(1, `must be 1–${BACKTEST_MAX_DAYS}`).max(BACKTEST_MAX_DAYS, `must be 1–${BACKTEST_MAX_DAYS}`),
  })
  .strict();
export type BacktestRequest = z.input<typeof BacktestRequestSchema>;

/** A point of the replay (averaged into at most a few hundred buckets): the load as the rule would have seen it. */
export const BacktestPointSchema = z.object({
  at: z.number(),
  cpuPercent: z.number(),
  memoryPercent: z.number(),
  /** VMs the rule would have run (the highest in the bucket) and VMs the vApp actually ran. */
  vms: z.number().int(),
  actualVms: z.number().int(),
});
export const BacktestDecisionSchema = z.object({ at: z.number(), action: z.enum(['scaleOut', 'scaleIn']), from: z.number().int(), to: z.number().int(), reason: z.string(), detail: z.string() });
export const BacktestSummarySchema = z.object({
  vmHours: z.number(),
  actualVmHours: z.number(),
  minutesAboveScaleOut: z.number(),
  scaleOuts: z.number().int(),
  scaleIns: z.number().int(),
  peakVms: z.number().int(),
  /** Metric samples replayed (vCD's historic samples of the vApp, averaged per sample time). */
  samples: z.number().int(),
});
export const BacktestSchema = z.object({
  from: z.string().datetime(),
  to: z.string().datetime(),
  days: z.number().int(),
  summary: BacktestSummarySchema,
  points: z.array(BacktestPointSchema),
  /** The scale actions the rule would have taken, oldest first (at most 1000; `decisionsTruncated` says when more). */
  decisions: z.array(BacktestDecisionSchema),
  decisionsTruncated: z.boolean(),
  /**
   * The VM-hours priced with the org's rate card for the template's hardware (minor units), as the budget guard prices
   * a scale out; null when they cannot be priced (no showback, no template hardware from vCD).
   */
  cost: z.object({ currency: z.string(), vmHourPrice: z.number(), cost: z.number().int(), actualCost: z.number().int() }).nullable().optional(),
});
export type Backtest = z.infer<typeof BacktestSchema>;
export type BacktestPoint = z.infer<typeof BacktestPointSchema>;
export type BacktestDecision = z.infer<typeof BacktestDecisionSchema>;
