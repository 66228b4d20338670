import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { CreateFunctionSchema, FunctionNameSchema, FunctionSchema } from '../../contract/functions';
import { PageQuerySchema, ProblemSchema } from '../../contract/problem';

// The generator needs zod's prototype extended (it adds .openapi()); contract schemas stay plain zod.
extendZodWithOpenApi(z);

const Org = z.string().describe('vCD organization name; a tenant session may only name its own');
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const json = (schema: z.ZodTypeAny, description: string) => ({ description, content: { 'application/json': { schema } } });
const COMMON = {
  401: problem('No, wrong or expired vCD session'),
  403: problem('The organization is not the session\'s'),
};

type Security = { vcdBearer: never[] }[];

/** A feature's paths (its openapi.ts), registered with the document's security scheme and org parameter. */
export type RegisterPaths = (registry: OpenAPIRegistry, common: { security: Security; org: z.ZodTypeAny }) => void;

/** The function collection and a function (the functions feature's own lifecycle paths add to these). */
function registerFunctionPaths(registry: OpenAPIRegistry, security: Security): void {
  const orgParams = z.object({ org: Org });
  const fnParams = z.object({ org: Org, name: FunctionNameSchema });
  registry.registerPath({
    method: 'get', path: '/api/org/{org}/faas/functions', summary: 'List the org\'s functions', tags: ['functions'], security,
    request: { params: orgParams, query: PageQuerySchema },
    responses: { 200: json(z.object({ items: z.array(FunctionSchema), total: z.number().int() }), 'A page of functions'), 400: problem('Bad query'), ...COMMON },
  });
  registry.registerPath({
    method: 'post', path: '/api/org/{org}/faas/functions', summary: 'Create a function; it builds asynchronously', tags: ['functions'], security,
    request: { params: orgParams, body: { content: { 'application/json': { schema: CreateFunctionSchema } }, required: true } },
    responses: {
      202: json(FunctionSchema, 'Accepted, status initializing'),
      400: problem('Invalid field (named in errors[])'),
      409: problem('Name or route taken, or the org\'s function quota used up (type quota-exceeded)'),
      413: problem('Body over the limit'),
      ...COMMON,
    },
  });
  registry.registerPath({
    method: 'get', path: '/api/org/{org}/faas/functions/{name}', summary: 'Get a function', tags: ['functions'], security,
    request: { params: fnParams },
    responses: { 200: json(FunctionSchema, 'The function'), 404: problem('No such function'), ...COMMON },
  });
  registry.registerPath({
    method: 'delete', path: '/api/org/{org}/faas/functions/{name}', summary: 'Delete a function', tags: ['functions'], security,
    request: { params: fnParams },
    responses: { 204: { description: 'Deleted' }, 404: problem('No such function'), ...COMMON },
  });
}

/** Invoking a function through its trigger route, with any method. */
function registerInvokePaths(registry: OpenAPIRegistry, security: Security): void {
  for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
    registry.registerPath({
      method, path: '/api/org/{org}/{route}', summary: 'Invoke the function whose trigger route matches', tags: ['invoke'], security,
      request: {
        params: z.object({ org: Org, route: z.string().describe('the function\'s route, e.g. hello') }),
        headers: z.object({
          'x-invocation-type': z.enum(['Event', 'RequestResponse']).optional().describe('Event: queue the call, answer 202 at once (retries, dead letters: docs/functions.md)'),
        }),
      },
      responses: {
        202: json(z.object({ activationId: z.string(), status: z.literal('queued') }), 'X-Invocation-Type: Event: queued; X-Activation-Id is the first attempt\'s activation'),
        default: { description: 'The handler\'s statusCode and body, the headers a function may set (docs/functions.md) and the platform\'s security headers' },
        404: problem('No function serves the route'),
        400: problem('X-Invocation-Type is neither Event nor RequestResponse'),
        502: problem('The handler threw, exceeded its memory, answered over the response limit or gave a bad answer (type bad-result, errors[] naming each fault)'),
        503: problem('The function is initializing or failed to build'),
        429: problem('The org already runs its quota of concurrent calls (Retry-After)'),
        504: problem('The handler exceeded its timeout'),
        ...COMMON,
      },
    });
  }
}

/**
 * The backend's OpenAPI document, generated from the same zod schemas that validate requests; each feature adds its
 * own paths (`features`, in order), so this file imports none of them.
 */
export function buildOpenApiDocument(options: { version: string; features?: RegisterPaths[] }): object {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'vcdBearer', { type: 'http', scheme: 'bearer', description: 'vCD access token' });
  const security: Security = [{ vcdBearer: [] }];
  registerFunctionPaths(registry, security);
  registerInvokePaths(registry, security);
  for (const register of options.features ?? []) register(registry, { security, org: Org });
  registry.registerPath({ method: 'get', path: '/healthz', summary: 'The process is up', tags: ['ops'], responses: { 200: { description: 'ok' } } });
  registry.registerPath({
    method: 'get', path: '/readyz', summary: 'The store is reachable', tags: ['ops'],
    responses: { 200: { description: 'ready' }, 503: problem('The store is not reachable') },
  });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'vcd-serverless extension backend', version: options.version },
  });
}
