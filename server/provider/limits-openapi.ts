import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { DefaultLimitsViewSchema, OrgLimitsListSchema, OrgLimitsOverrideSchema, OrgLimitsSchema, OrgLimitsViewSchema } from '../../contract/limits';
import { ProblemSchema } from '../../contract/problem';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const json = (schema: z.ZodTypeAny, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = (schema: z.ZodTypeAny) => ({ content: { 'application/json': { schema } }, required: true });

/** The per-org limits' routes (contract/limits.ts) in the OpenAPI document (the tenant matrix is generated from it). */
export function registerLimitsPaths(registry: OpenAPIRegistry, common: { security: { vcdBearer: never[] }[]; org: z.ZodTypeAny }): void {
  const { security } = common;
  const base = '/api/org/{org}/provider/limits';
  const params = z.object({ org: common.org });
  const tenantParams = z.object({ org: common.org, tenant: z.string().describe('the org whose limits these are') });
  const errors = { 401: problem('No, wrong or expired vCD session'), 403: problem('Not the provider (a tenant, whichever org it names)') };
  const invalid = { 400: problem('A limit is missing or out of range (named in errors[])') };
  const tags = ['provider'];
  const op = (method: 'get' | 'put' | 'delete', path: string, summary: string, extra: Pick<RouteConfig, 'request' | 'responses'>) =>
    registry.registerPath({ method, path, summary, tags, security, ...extra });

  op('get', `${base}/default`, 'The default limits of every org without its own (provider only)', {
    request: { params }, responses: { 200: json(DefaultLimitsViewSchema, 'The default'), ...errors },
  });
  op('put', `${base}/default`, 'Sets the default limits, every field (provider only)', {
    request: { params, body: body(OrgLimitsSchema) }, responses: { 200: json(DefaultLimitsViewSchema, 'The new default'), ...invalid, ...errors },
  });
  op('get', `${base}/orgs`, 'The orgs with limits of their own (provider only)', {
    request: { params }, responses: { 200: json(OrgLimitsListSchema, 'Overrides'), ...errors },
  });
  op('get', `${base}/orgs/{tenant}`, 'One org\'s override and effective limits (provider only)', {
    request: { params: tenantParams }, responses: { 200: json(OrgLimitsViewSchema, 'The org\'s limits'), 404: problem('vCD knows no such org'), ...invalid, ...errors },
  });
  op('put', `${base}/orgs/{tenant}`, 'Sets one org\'s override: the fields given replace the default\'s (provider only)', {
    request: { params: tenantParams, body: body(OrgLimitsOverrideSchema) }, responses: { 200: json(OrgLimitsViewSchema, 'The org\'s limits'), 404: problem('vCD knows no such org'), ...invalid, ...errors },
  });
  op('delete', `${base}/orgs/{tenant}`, 'Removes one org\'s override: it gets the default again (provider only)', {
    request: { params: tenantParams }, responses: { 204: { description: 'Removed' }, 404: problem('The org has no override'), ...invalid, ...errors },
  });
  registry.registerPath({
    method: 'get', path: '/api/org/{org}/limits', summary: 'The org\'s effective limits, read-only (its tenant and the provider)', tags, security,
    request: { params }, responses: { 200: json(OrgLimitsViewSchema, 'The org\'s limits'), 401: errors[401], 403: problem('The organization is not the session\'s') },
  });
}
