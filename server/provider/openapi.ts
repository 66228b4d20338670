import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ProblemSchema } from '../../contract/problem';
import { BackendAboutSchema } from '../../contract/about';
import { TenantsOverviewSchema } from '../../contract/provider';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

/** The provider's routes (contract/provider.ts) in the backend's OpenAPI document (the tenant matrix is generated from it). */
export function registerProviderPaths(registry: OpenAPIRegistry, common: { security: { vcdBearer: never[] }[]; org: z.ZodTypeAny }): void {
  const { security } = common;
  const base = '/api/org/{org}/provider';
  const params = z.object({ org: common.org });
  const errors = {
    401: problem('No, wrong or expired vCD session'),
    403: problem('Not the provider (a tenant, whichever org it names)'),
    502: problem('vCD did not answer the org list'),
  };
  const tags = ['provider'];
  registry.registerPath({
    method: 'get', path: `${base}/tenants`, summary: 'Every tenant org with this month\'s functions, calls, cost and autoscale (provider only)',
    request: { params }, responses: { 200: { description: 'Tenants', content: { 'application/json': { schema: TenantsOverviewSchema } } }, ...errors }, tags, security,
  });
  registry.registerPath({
    method: 'get', path: `${base}/tenants.csv`, summary: 'The tenants overview as CSV (provider only; formula-safe)',
    request: { params }, responses: { 200: { description: 'text/csv' }, ...errors }, tags, security,
  });
  registry.registerPath({
    method: 'get', path: '/api/org/{org}/provider/about', summary: 'What this backend runs: version, migration level, function and rule counts per org (provider only)',
    request: { params }, responses: { 200: { description: 'About', content: { 'application/json': { schema: BackendAboutSchema } } }, ...errors }, tags, security,
  });
}
