import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  BreakdownQuerySchema,
  BreakdownSchema,
  CreateSourceSchema,
  DailyQuerySchema,
  DailySchema,
  ImportResultSchema,
  MonthlyQuerySchema,
  MonthlySchema,
  ProviderOrgsSchema,
  RateCardSchema,
  RateCardViewSchema,
  RunSchema,
  RunSourceSchema,
  SourceSchema,
  SourceTestResultSchema,
  SummarySchema,
  UpdateSourceSchema,
} from '../../contract/showback';
import {
  AlertDetailSchema,
  AlertSchema,
  AlertsQuerySchema,
  BudgetCheckResultSchema,
  BudgetSchema,
  CreateBudgetSchema,
  UpdateBudgetSchema,
  WebhookSecretSchema,
} from '../../contract/showback-budgets';
import {
  AnomaliesQuerySchema,
  AnomaliesSchema,
  AnomalyCheckResultSchema,
  AnomalySettingsSchema,
  AnomalySettingsViewSchema,
} from '../../contract/showback-anomalies';
import { ProblemSchema } from '../../contract/problem';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const json = (schema: z.ZodTypeAny, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = (schema: z.ZodTypeAny) => ({ content: { 'application/json': { schema } }, required: true });

/** The showback routes (contract/showback.ts) in the backend's OpenAPI document. */
export function registerShowbackPaths(registry: OpenAPIRegistry, common: { security: { vcdBearer: never[] }[]; org: z.ZodTypeAny }): void {
  const { security } = common;
  const base = '/api/org/{org}/showback';
  const params = z.object({ org: common.org });
  const sourceParams = z.object({ org: common.org, id: z.string() });
  const errors = { 400: problem('Invalid field (named in errors[])'), 401: problem('No, wrong or expired vCD session'), 403: problem('The organization is not the session\'s') };
  const list = (schema: z.ZodTypeAny) => z.object({ items: z.array(schema), total: z.number().int() });
  const tags = ['showback'];
  const paths: Parameters<OpenAPIRegistry['registerPath']>[0][] = [
    { method: 'get', path: `${base}/summary`, summary: 'Month to date, end-of-month forecast with band, last month', request: { params }, responses: { 200: json(SummarySchema, 'Summary'), ...errors } },
    { method: 'get', path: `${base}/monthly`, summary: 'Cost per month and service', request: { params, query: MonthlyQuerySchema }, responses: { 200: json(MonthlySchema, 'Months, oldest first'), ...errors } },
    { method: 'get', path: `${base}/daily`, summary: 'Cost per day and service', request: { params, query: DailyQuerySchema }, responses: { 200: json(DailySchema, 'Days'), ...errors } },
    { method: 'get', path: `${base}/breakdown`, summary: 'Top N by vApp, VM, service, function or source', request: { params, query: BreakdownQuerySchema }, responses: { 200: json(BreakdownSchema, 'Breakdown'), ...errors } },
    { method: 'get', path: `${base}/export.csv`, summary: 'Stored cost records as CSV (FOCUS-like columns)', request: { params, query: DailyQuerySchema }, responses: { 200: { description: 'text/csv' }, ...errors } },
    { method: 'get', path: `${base}/sources`, summary: 'Billing sources', request: { params }, responses: { 200: json(list(SourceSchema), 'Sources'), ...errors } },
    { method: 'post', path: `${base}/sources`, summary: 'Add a billing source', request: { params, body: body(CreateSourceSchema) }, responses: { 201: json(SourceSchema, 'Created'), 409: problem('Name taken'), ...errors } },
    { method: 'get', path: `${base}/sources/{id}`, summary: 'A billing source', request: { params: sourceParams }, responses: { 200: json(SourceSchema, 'Source'), 404: problem('No such source'), ...errors } },
    { method: 'put', path: `${base}/sources/{id}`, summary: 'Change a billing source', request: { params: sourceParams, body: body(UpdateSourceSchema) }, responses: { 200: json(SourceSchema, 'Source'), 404: problem('No such source'), ...errors } },
    { method: 'delete', path: `${base}/sources/{id}`, summary: 'Remove a billing source (its costs stay)', request: { params: sourceParams }, responses: { 204: { description: 'Deleted' }, 404: problem('No such source'), ...errors } },
    { method: 'post', path: `${base}/sources/{id}/run`, summary: 'Run now, or backfill from..to', request: { params: sourceParams, body: body(RunSourceSchema) }, responses: { 200: json(RunSchema, 'The first attempt (failed runs retry with backoff)'), 404: problem('No such source'), ...errors } },
    { method: 'post', path: `${base}/sources/{id}/test`, summary: 'Fetch without storing', request: { params: sourceParams }, responses: { 200: json(SourceTestResultSchema, 'Result'), 404: problem('No such source'), ...errors } },
    { method: 'get', path: `${base}/sources/{id}/runs`, summary: 'Run history, newest first', request: { params: sourceParams }, responses: { 200: json(list(RunSchema), 'Runs'), 404: problem('No such source'), ...errors } },
    { method: 'post', path: `${base}/imports`, summary: 'Import a FOCUS 1.x file (text/csv or application/json), wholly or not at all', request: { params }, responses: { 201: json(ImportResultSchema, 'Imported'), ...errors } },
    { method: 'get', path: `${base}/ratecard`, summary: 'The rate card (the provider: all of it, editable; a tenant: its org\'s effective rates)', request: { params }, responses: { 200: json(RateCardViewSchema, 'Rate card'), ...errors } },
    { method: 'put', path: `${base}/ratecard`, summary: 'Set the rate card (provider only)', request: { params, body: body(RateCardSchema) }, responses: { 200: json(RateCardSchema, 'Rate card'), ...errors } },
    { method: 'get', path: `${base}/export.focus.csv`, summary: 'Charges as a FOCUS 1.2 CSV, one row per charge (formula-safe)', request: { params, query: DailyQuerySchema }, responses: { 200: { description: 'text/csv' }, ...errors } },
    { method: 'get', path: `${base}/export.focus.json`, summary: 'Charges as FOCUS 1.2 JSON ({focusVersion, columns, rows}); POST imports reads it back', request: { params, query: DailyQuerySchema }, responses: { 200: { description: 'application/json' }, ...errors } },
    { method: 'get', path: `${base}/budgets`, summary: 'Budgets with their state this month (spent, forecast, thresholds crossed)', request: { params }, responses: { 200: json(list(BudgetSchema), 'Budgets'), ...errors } },
    { method: 'post', path: `${base}/budgets`, summary: 'Add a monthly budget (the provider\'s is read only for the tenant)', request: { params, body: body(CreateBudgetSchema) }, responses: { 201: json(BudgetSchema, 'Created'), 409: problem('Name taken'), ...errors } },
    { method: 'post', path: `${base}/budgets/check`, summary: 'Check the budgets now: an alert per crossed threshold, once per period', request: { params }, responses: { 200: json(BudgetCheckResultSchema, 'Alerts recorded by this check'), ...errors } },
    { method: 'get', path: `${base}/budgets/{id}`, summary: 'A budget and its state', request: { params: sourceParams }, responses: { 200: json(BudgetSchema, 'Budget'), 404: problem('No such budget'), ...errors } },
    { method: 'put', path: `${base}/budgets/{id}`, summary: 'Change a budget (403 for a tenant on the provider\'s budget)', request: { params: sourceParams, body: body(UpdateBudgetSchema) }, responses: { 200: json(BudgetSchema, 'Budget'), 404: problem('No such budget'), ...errors } },
    { method: 'delete', path: `${base}/budgets/{id}`, summary: 'Remove a budget (its alerts stay)', request: { params: sourceParams }, responses: { 204: { description: 'Deleted' }, 404: problem('No such budget'), ...errors } },
    { method: 'get', path: `${base}/alerts`, summary: 'Budget and anomaly alerts, newest first', request: { params, query: AlertsQuerySchema }, responses: { 200: json(list(AlertSchema), 'Alerts'), ...errors } },
    { method: 'get', path: `${base}/alerts/{id}`, summary: 'An alert with each webhook delivery attempt', request: { params: sourceParams }, responses: { 200: json(AlertDetailSchema, 'Alert'), 404: problem('No such alert'), ...errors } },
    { method: 'post', path: `${base}/webhook-secret`, summary: 'A new webhook signing secret for the org, shown this once', request: { params }, responses: { 201: json(WebhookSecretSchema, 'Secret'), ...errors } },
    { method: 'get', path: `${base}/anomalies`, summary: 'Stored cost anomalies of a month or from..to, oldest first', request: { params, query: AnomaliesQuerySchema }, responses: { 200: json(AnomaliesSchema, 'Anomalies'), ...errors } },
    { method: 'post', path: `${base}/anomalies/check`, summary: 'Judge the last 90 days now: each anomaly stored and alerted once', request: { params }, responses: { 200: json(AnomalyCheckResultSchema, 'Anomalies stored by this check'), ...errors } },
    { method: 'get', path: `${base}/anomalies/settings`, summary: 'Where the org\'s anomaly alerts go (webhook, function)', request: { params }, responses: { 200: json(AnomalySettingsSchema, 'Settings'), ...errors } },
    { method: 'put', path: `${base}/anomalies/settings`, summary: 'Set where the org\'s anomaly alerts go', request: { params, body: body(AnomalySettingsSchema) }, responses: { 200: json(AnomalySettingsViewSchema, 'Settings (with the webhook secret when it was made now)'), ...errors } },
    { method: 'get', path: `${base}/provider/orgs`, summary: 'Every org this month (provider only)', request: { params }, responses: { 200: json(ProviderOrgsSchema, 'Orgs'), ...errors } },
  ];
  for (const p of paths) registry.registerPath({ ...p, tags, security });
}
