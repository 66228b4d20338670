import { z } from 'zod';
import { DECISION_ACTIONS } from './autoscale';
import { CurrencySchema, MonthSchema } from './showback';

/**
 * The provider's side of the plugin (issue 18), shared by server/ (OpenAPI) and src/ (types only).
 *
 * Routes (provider session only; any `{org}`, e.g. System, like showback's provider routes):
 *   GET /api/org/{org}/provider/tenants       every tenant org of vCD with this month's figures
 *   GET /api/org/{org}/provider/tenants.csv   the same rows as CSV (formula-safe)
 *
 * Each figure is the one the org's own pages show: functions by build status (functions list), calls, errors and
 * GB-seconds since the start of the UTC month (the activations the functions keep), cost month to date, forecast
 * and stale sources (showback summary), rules and the newest decision of any rule (autoscale rules list).
 */

export const TenantFunctionsSchema = z.object({
  total: z.number().int(),
  ready: z.number().int(),
  failed: z.number().int(),
  initializing: z.number().int(),
});

export const TenantUsageSchema = z.object({
  /** Calls since the start of the UTC month. */
  calls: z.number().int(),
  /** Calls that did not succeed (error, timeout, memory, rejected). */
  errors: z.number().int(),
  /** Memory × duration of those calls, in GB-seconds. */
  gbSeconds: z.number(),
});

export const TenantCostSchema = z.object({
  currency: CurrencySchema,
  /** Minor units (cents), as the showback summary. */
  monthToDate: z.number().int(),
  forecast: z.number().int(),
  lastMonth: z.number().int(),
  /** Names of billing sources whose last run failed. */
  staleSources: z.array(z.string()),
});

export const TenantAutoscaleSchema = z.object({
  rules: z.number().int(),
  enabled: z.number().int(),
  /** The newest decision of any of the org's rules, null before the first. */
  lastDecision: z
    .object({ rule: z.string(), action: z.enum(DECISION_ACTIONS), reason: z.string(), desired: z.number().int(), current: z.number().int(), at: z.string().datetime() })
    .nullable(),
});

export const TenantRowSchema = z.object({
  /** The org's name as vCD spells it (the URL of its own pages carries it). */
  org: z.string(),
  displayName: z.string(),
  functions: TenantFunctionsSchema,
  usage: TenantUsageSchema,
  cost: TenantCostSchema,
  autoscale: TenantAutoscaleSchema,
});
export type TenantRow = z.infer<typeof TenantRowSchema>;

export const TenantsOverviewSchema = z.object({
  /** The UTC month the figures are about. */
  month: MonthSchema,
  generatedAt: z.string().datetime(),
  items: z.array(TenantRowSchema),
  total: z.number().int(),
});
export type TenantsOverview = z.infer<typeof TenantsOverviewSchema>;
