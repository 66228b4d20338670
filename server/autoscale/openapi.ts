import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  AlertReceiptSchema,
  BacktestRequestSchema,
  BacktestSchema,
  CatalogEdgeGatewaySchema,
  CatalogPoolSchema,
  CatalogTemplateSchema,
  CatalogVAppSchema,
  DryRunSchema,
  EventListSchema,
  RuleCreateSchema,
  RuleHistorySchema,
  RuleListSchema,
  RuleMetricsQuerySchema,
  RuleMetricsSchema,
  RuleSchema,
  RuleUpdateSchema,
  VropsAlertSchema,
  catalogListOf,
} from '../../contract/autoscale';
import { ForecastQuerySchema, ForecastSchema } from '../../contract/autoscale-forecast';
import { ProblemSchema } from '../../contract/problem';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const json = (schema: z.ZodTypeAny, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = (schema: z.ZodTypeAny) => ({ content: { 'application/json': { schema } }, required: true });

/** The autoscale routes (contract/autoscale.ts) in the backend's OpenAPI document. */
export function registerAutoscalePaths(registry: OpenAPIRegistry, common: { security: { vcdBearer: never[] }[]; org: z.ZodTypeAny }): void {
  const { security } = common;
  const base = '/api/org/{org}/autoscale';
  const params = z.object({ org: common.org });
  const ruleParams = z.object({ org: common.org, id: z.string() });
  const errors = { 400: problem('Invalid field (named in errors[])'), 401: problem('No, wrong or expired vCD session'), 403: problem('The organization is not the session\'s') };
  const missing = { 404: problem('No such rule') };
  const tags = ['autoscale'];
  const paths: Parameters<OpenAPIRegistry['registerPath']>[0][] = [
    { method: 'get', path: `${base}/rules`, summary: 'Autoscale rules', request: { params }, responses: { 200: json(RuleListSchema, 'Rules by name'), ...errors } },
    { method: 'post', path: `${base}/rules`, summary: 'Add a rule; vApp, template, edge gateway and pool are checked in vCD', request: { params, body: body(RuleCreateSchema) }, responses: { 201: json(RuleSchema, 'Created'), 409: problem('Name taken, or the vApp already has a rule'), ...errors } },
    { method: 'get', path: `${base}/rules/{id}`, summary: 'A rule', request: { params: ruleParams }, responses: { 200: json(RuleSchema, 'Rule'), ...missing, ...errors } },
    { method: 'put', path: `${base}/rules/{id}`, summary: 'Change a rule (any subset of its fields); the merged rule is checked in vCD as on create (not when only switching it off) and journalled', request: { params: ruleParams, body: body(RuleUpdateSchema) }, responses: { 200: json(RuleSchema, 'Rule'), 409: problem('Name taken, or the new vApp already has a rule'), ...missing, ...errors } },
    { method: 'get', path: `${base}/rules/{id}/history`, summary: 'Who changed the rule and how (before → after per field), newest first', request: { params: ruleParams }, responses: { 200: json(RuleHistorySchema, 'Changes'), ...missing, ...errors } },
    { method: 'post', path: `${base}/rules/backtest`, summary: 'Replay the last N days of the vApp\'s metrics through a draft rule (saves nothing)', request: { params, body: body(BacktestRequestSchema) }, responses: { 200: json(BacktestSchema, 'Decisions over time, VM-hours, minutes above the scale-out threshold'), ...errors } },
    { method: 'delete', path: `${base}/rules/{id}`, summary: 'Remove a rule', request: { params: ruleParams }, responses: { 204: { description: 'Deleted' }, ...missing, ...errors } },
    { method: 'get', path: `${base}/rules/{id}/events`, summary: 'The rule\'s timeline, newest first', request: { params: ruleParams }, responses: { 200: json(EventListSchema, 'Events'), ...missing, ...errors } },
    { method: 'get', path: `${base}/rules/{id}/metrics`, summary: 'The vApp\'s recent CPU and memory (vCD historic VM metrics, averaged per sample)', request: { params: ruleParams, query: RuleMetricsQuerySchema }, responses: { 200: json(RuleMetricsSchema, 'Samples, oldest first'), ...missing, ...errors } },
    { method: 'get', path: `${base}/rules/{id}/forecast`, summary: 'The vApp\'s load for the next hours from its metric history and the VM count the thresholds imply (forecast only)', request: { params: ruleParams, query: ForecastQuerySchema }, responses: { 200: json(ForecastSchema, 'Forecast, every 5 minutes'), ...missing, ...errors } },
    { method: 'get', path: `${base}/catalog/vapps`, summary: 'The org\'s vApps (rule wizard picker)', request: { params }, responses: { 200: json(catalogListOf(CatalogVAppSchema), 'vApps'), ...errors } },
    { method: 'get', path: `${base}/catalog/templates`, summary: 'The org\'s vApp templates with their VM count (a rule needs one VM)', request: { params }, responses: { 200: json(catalogListOf(CatalogTemplateSchema), 'Templates'), ...errors } },
    { method: 'get', path: `${base}/catalog/edge-gateways`, summary: 'The org\'s NSX-T edge gateways', request: { params }, responses: { 200: json(catalogListOf(CatalogEdgeGatewaySchema), 'Edge gateways'), ...errors } },
    { method: 'get', path: `${base}/catalog/edge-gateways/{id}/pools`, summary: 'Load-balancer pools of one of the org\'s edge gateways', request: { params: z.object({ org: common.org, id: z.string() }) }, responses: { 200: json(catalogListOf(CatalogPoolSchema), 'Pools'), 404: problem('No such edge gateway in this org'), ...errors } },
    { method: 'post', path: `${base}/rules/{id}/dry-run`, summary: 'What the rule would do now and why (changes nothing)', request: { params: ruleParams }, responses: { 200: json(DryRunSchema, 'Decision'), ...missing, ...errors } },
    { method: 'post', path: `${base}/alerts`, summary: 'A vROps REST notification (ACTIVE)', request: { params, body: body(VropsAlertSchema) }, responses: { 201: json(AlertReceiptSchema, 'Received'), ...errors } },
    { method: 'put', path: `${base}/alerts/{alertId}`, summary: 'A vROps REST notification update (e.g. CANCELED)', request: { params: z.object({ org: common.org, alertId: z.string() }), body: body(VropsAlertSchema) }, responses: { 202: json(AlertReceiptSchema, 'Received'), ...errors } },
  ];
  for (const p of paths) registry.registerPath({ ...p, tags, security });
}
