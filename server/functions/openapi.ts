import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  ActivationFeedQuerySchema,
  ActivationFeedSchema,
  ActivationListSchema,
  ActivationQuerySchema,
  ActivationSchema,
  FunctionNameSchema,
  FunctionSchema,
  FunctionVersionListSchema,
  RollbackSchema,
  AsyncAcceptedSchema,
  DeadLetterListSchema,
  RuntimesInfoSchema,
  ScheduleTickListSchema,
  UpdateFunctionSchema,
} from '../../contract/functions';
import { PageQuerySchema, ProblemSchema } from '../../contract/problem';
import { vcdNotificationSchema } from '../vcd/notification';
import { registerAliasPaths } from './alias-openapi';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const json = (schema: z.ZodTypeAny, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = (schema: z.ZodTypeAny) => ({ content: { 'application/json': { schema } }, required: true });

const COMMON = { 401: problem('No, wrong or expired vCD session'), 403: problem("The organization is not the session's") };
const fn = '/api/org/{org}/faas/functions/{name}';

type Common = { security: { vcdBearer: never[] }[]; org: z.ZodTypeAny };
/** What every group of paths shares: the session's security, the org parameter and one function's parameters. */
type PathContext = Common & { fnParams: z.AnyZodObject };

/** The function lifecycle routes (PUT, versions, rollback, activations) in the backend's OpenAPI document. */
export function registerFunctionLifecyclePaths(registry: OpenAPIRegistry, common: Common): void {
  const context: PathContext = { ...common, fnParams: z.object({ org: common.org, name: FunctionNameSchema }) };
  // Registration order is the document's order.
  registerVersionPaths(registry, context);
  registerLivePaths(registry, context);
  registerAsyncPaths(registry, context);
  registerOrgPaths(registry, context);
  registerAliasPaths(registry, common);
}

/** Change a function, its versions, rollback and calls. */
function registerVersionPaths(registry: OpenAPIRegistry, { security, fnParams }: PathContext): void {
  registry.registerPath({
    method: 'put', path: fn, summary: 'Change a function: a new version from the latest one and the given fields', tags: ['functions'], security,
    request: { params: fnParams, body: body(UpdateFunctionSchema) },
    responses: {
      202: json(FunctionSchema, 'Accepted: latestVersion builds, version keeps serving until it is ready'),
      400: problem('Invalid field or limit above the provider maximum (named in errors[])'),
      404: problem('No such function'),
      409: problem('Route taken'),
      ...COMMON,
    },
  });
  registry.registerPath({
    method: 'get', path: `${fn}/versions`, summary: "A function's versions, newest first", tags: ['functions'], security,
    request: { params: fnParams, query: PageQuerySchema },
    responses: { 200: json(FunctionVersionListSchema, 'A page of versions'), 400: problem('Bad query'), 404: problem('No such function'), ...COMMON },
  });
  registry.registerPath({
    method: 'post', path: `${fn}/rollback`, summary: 'Point the function back at an earlier version (rebuilt if its build failed)', tags: ['functions'], security,
    request: { params: fnParams, body: body(RollbackSchema) },
    responses: { 202: json(FunctionSchema, 'The function'), 400: problem('No such version (errors[] names version)'), 404: problem('No such function'), ...COMMON },
  });
  registry.registerPath({
    method: 'get', path: `${fn}/activations`, summary: "A function's calls, newest first", tags: ['activations'], security,
    request: { params: fnParams, query: ActivationQuerySchema },
    responses: { 200: json(ActivationListSchema, 'A page of activations'), 400: problem('Bad filter'), 404: problem('No such function'), ...COMMON },
  });
}

/** Live logs: the long-poll feed and the Server-Sent Events stream of new activations. */
function registerLivePaths(registry: OpenAPIRegistry, { security, fnParams }: PathContext): void {
  registry.registerPath({
    method: 'get', path: `${fn}/activations/feed`, tags: ['activations'], security,
    summary: 'New calls of the function after a cursor, oldest first, waiting up to waitMs for one (long-poll; without after: from now on)',
    request: { params: fnParams, query: ActivationFeedQuerySchema },
    responses: { 200: json(ActivationFeedSchema, 'New activations and the cursor to ask with next'), 400: problem('Bad cursor or filter'), 404: problem('No such function'), ...COMMON },
  });
  registry.registerPath({
    method: 'get', path: `${fn}/activations/stream`, tags: ['activations'], security,
    summary: 'New calls of the function as Server-Sent Events (event "activation", id = cursor; Last-Event-ID resumes); HTTP only, ends after 5 minutes',
    request: { params: fnParams, query: ActivationFeedQuerySchema.omit({ waitMs: true }) },
    responses: {
      200: { description: 'text/event-stream: one "activation" event per new activation (data: the activation as JSON)', content: { 'text/event-stream': { schema: z.string() } } },
      400: problem('Bad cursor or filter'), 404: problem('No such function'), 406: problem('Not asked with Accept: text/event-stream'), ...COMMON,
    },
  });
}

/** Queued calls and their dead letters. */
function registerAsyncPaths(registry: OpenAPIRegistry, { security, org, fnParams }: PathContext): void {
  const dlParams = z.object({ org, name: FunctionNameSchema, id: z.string().describe('the dead letter\'s id (its first activation id)') });
  registry.registerPath({
    method: 'post', path: `${fn}/invocations`,
    summary: 'Queue a call of the function (as X-Invocation-Type: Event does on its route): the handler gets a POST of its route with this body and query',
    tags: ['async'], security,
    request: { params: fnParams, body: { content: { 'application/json': { schema: z.unknown() } }, required: false } },
    responses: { 202: json(AsyncAcceptedSchema, 'Queued (X-Activation-Id: the first attempt\'s activation)'), 404: problem('No such function'), 409: problem('An event function (no route)'), ...COMMON },
  });
  registry.registerPath({
    method: 'get', path: `${fn}/dead-letters`,
    summary: 'Queued calls (X-Invocation-Type: Event) that failed every attempt or grew older than maxEventAgeSeconds, newest first',
    tags: ['async'], security,
    request: { params: fnParams, query: PageQuerySchema },
    responses: { 200: json(DeadLetterListSchema, 'A page of dead letters'), 400: problem('Bad query'), 404: problem('No such function'), ...COMMON },
  });
  registry.registerPath({
    method: 'post', path: `${fn}/dead-letters/{id}/redrive`, summary: 'Queue a dead letter again, with the function\'s retries and event age', tags: ['async'], security,
    request: { params: dlParams },
    responses: { 202: json(AsyncAcceptedSchema, 'Queued again (X-Activation-Id: the call\'s id)'), 404: problem('No such function or dead letter'), ...COMMON },
  });
  registry.registerPath({
    method: 'delete', path: `${fn}/dead-letters/{id}`, summary: 'Delete a dead letter', tags: ['async'], security,
    request: { params: dlParams },
    responses: { 204: { description: 'Deleted' }, 404: problem('No such function or dead letter'), ...COMMON },
  });
}

/** A schedule's ticks, the runtimes, vCD's notifications and one activation by id. */
function registerOrgPaths(registry: OpenAPIRegistry, { security, org, fnParams }: PathContext): void {
  registry.registerPath({
    method: 'get', path: `${fn}/ticks`,
    summary: "A schedule-triggered function's ticks, newest first: each run, and one entry per stretch of ticks missed while no backend was up",
    tags: ['functions'], security,
    request: { params: fnParams, query: PageQuerySchema },
    responses: { 200: json(ScheduleTickListSchema, 'Ticks'), 400: problem('Bad paging'), 404: problem('No such function'), ...COMMON },
  });
  registry.registerPath({
    method: 'get', path: '/api/org/{org}/faas/runtimes',
    summary: 'The runtimes, the sandboxes each runs in, and which sandboxes this installation can run now (with the reason when not)',
    tags: ['functions'], security,
    request: { params: z.object({ org }) },
    responses: { 200: json(RuntimesInfoSchema, 'Runtimes and sandboxes'), ...COMMON },
  });
  registry.registerPath({
    method: 'post', path: '/notifications/vcd',
    summary: 'A vCD notification over HTTP (signed: X-Notification-Signature = hex HMAC-SHA256 of the body with the extension secret); runs the subscribed functions of its org once per eventId',
    tags: ['functions'],
    request: { body: body(vcdNotificationSchema) },
    responses: {
      200: json(z.object({ eventId: z.string() }), 'Handled: the subscribed functions ran (their failures are activations)'),
      400: problem('Not a vCD notification (errors[] names the fields)'),
      401: problem('Missing or wrong signature'),
    },
  });
  registry.registerPath({
    method: 'get', path: '/api/org/{org}/faas/activations/{id}', summary: 'One call', tags: ['activations'], security,
    request: { params: z.object({ org, id: z.string() }) },
    responses: { 200: json(ActivationSchema, 'The activation'), 404: problem('No such activation in this org'), ...COMMON },
  });
}
