import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { AliasListSchema, AliasNameSchema, AliasSchema, CreateAliasSchema, FunctionNameSchema, HistoryListSchema, UpdateAliasSchema } from '../../contract/functions';
import { PageQuerySchema, ProblemSchema } from '../../contract/problem';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const json = (schema: z.ZodTypeAny, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = (schema: z.ZodTypeAny) => ({ content: { 'application/json': { schema } }, required: true });

const COMMON = { 401: problem('No, wrong or expired vCD session'), 403: problem("The organization is not the session's") };
const fn = '/api/org/{org}/faas/functions/{name}';

/** Aliases, canaries and the function's history (issue 13, item 3) in the backend's OpenAPI document. */
export function registerAliasPaths(registry: OpenAPIRegistry, { security, org }: { security: { vcdBearer: never[] }[]; org: z.ZodTypeAny }): void {
  const fnParams = z.object({ org, name: FunctionNameSchema });
  const aliasParams = z.object({ org, name: FunctionNameSchema, alias: AliasNameSchema });
  const tags = ['aliases'];
  registry.registerPath({
    method: 'get', path: `${fn}/aliases`, summary: "A function's aliases: live (what its triggers call) first, with their versions and weights", tags, security,
    request: { params: fnParams },
    responses: { 200: json(AliasListSchema, 'The aliases'), 404: problem('No such function'), ...COMMON },
  });
  registry.registerPath({
    method: 'post', path: `${fn}/aliases`, summary: 'Create an alias: one version (weight 100), or a stable version and a canary whose weights add up to 100', tags, security,
    request: { params: fnParams, body: body(CreateAliasSchema) },
    responses: {
      201: json(AliasSchema, 'Created'),
      400: problem('Name taken or invalid, weights not adding up to 100, a version that does not exist or is not ready, threshold out of range (errors[] names the field)'),
      404: problem('No such function'),
      ...COMMON,
    },
  });
  registry.registerPath({
    method: 'get', path: `${fn}/aliases/{alias}`, summary: 'One alias', tags, security,
    request: { params: aliasParams },
    responses: { 200: json(AliasSchema, 'The alias'), 404: problem('No such function or alias'), ...COMMON },
  });
  registry.registerPath({
    method: 'put', path: `${fn}/aliases/{alias}`,
    summary: "Change an alias's traffic or automatic rollback (null turns it off); for live, a new first version becomes the function's current version",
    tags, security,
    request: { params: aliasParams, body: body(UpdateAliasSchema) },
    responses: { 200: json(AliasSchema, 'The alias'), 400: problem('Invalid traffic or threshold (errors[] names the field)'), 404: problem('No such function or alias'), ...COMMON },
  });
  registry.registerPath({
    method: 'post', path: `${fn}/aliases/{alias}/promote`, summary: 'Promote the canary: it takes 100 % of the traffic (for live: it becomes the current version)', tags, security,
    request: { params: aliasParams },
    responses: { 200: json(AliasSchema, 'The alias'), 404: problem('No such function or alias'), 409: problem('The alias has no canary'), ...COMMON },
  });
  registry.registerPath({
    method: 'post', path: `${fn}/aliases/{alias}/rollback`, summary: "Roll the canary back: its weight becomes 0, every call goes to the stable version", tags, security,
    request: { params: aliasParams },
    responses: { 200: json(AliasSchema, 'The alias'), 404: problem('No such function or alias'), 409: problem('The alias has no canary'), ...COMMON },
  });
  registry.registerPath({
    method: 'delete', path: `${fn}/aliases/{alias}`, summary: 'Delete an alias (not live)', tags, security,
    request: { params: aliasParams },
    responses: { 204: { description: 'Deleted' }, 400: problem('live cannot be deleted'), 404: problem('No such function or alias'), ...COMMON },
  });
  registry.registerPath({
    method: 'get', path: `${fn}/history`,
    summary: "A function's history, newest first: alias changes, promotions, rollbacks, and automatic rollbacks with their numbers (calls, errors, rate, threshold, window)",
    tags, security,
    request: { params: fnParams, query: PageQuerySchema },
    responses: { 200: json(HistoryListSchema, 'A page of entries'), 400: problem('Bad paging'), 404: problem('No such function'), ...COMMON },
  });
}
