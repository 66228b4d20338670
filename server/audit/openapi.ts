import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { AuditPageSchema, AuditQuerySchema, ProviderAuditQuerySchema } from '../../contract/audit';
import { ProblemSchema } from '../../contract/problem';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const json = (schema: z.ZodTypeAny, description: string) => ({ description, content: { 'application/json': { schema } } });

/** The audit log's routes (contract/audit.ts) in the OpenAPI document (the tenant matrix is generated from it). */
export function registerAuditPaths(registry: OpenAPIRegistry, common: { security: { vcdBearer: never[] }[]; org: z.ZodTypeAny }): void {
  const { security } = common;
  const params = z.object({ org: common.org });
  const tags = ['audit'];
  registry.registerPath({
    method: 'get', path: '/api/org/{org}/audit', summary: 'The org\'s audit log, newest first (its tenant and the provider)', tags, security,
    request: { params, query: AuditQuerySchema },
    responses: { 200: json(AuditPageSchema, 'A page of entries'), 400: problem('Bad filter'), 401: problem('No, wrong or expired vCD session'), 403: problem('The organization is not the session\'s') },
  });
  registry.registerPath({
    method: 'get', path: '/api/org/{org}/provider/audit', summary: 'Every org\'s audit log, newest first, filter org (provider only)', tags, security,
    request: { params, query: ProviderAuditQuerySchema },
    responses: { 200: json(AuditPageSchema, 'A page of entries'), 400: problem('Bad filter'), 401: problem('No, wrong or expired vCD session'), 403: problem('Not the provider') },
  });
}
