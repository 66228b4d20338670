import { Router, type Request, type RequestHandler, type Response } from 'express';
import { AliasNameSchema } from '../../contract/aliases';
import { PageQuerySchema } from '../../contract/problem';
import { Invalid, parseOrThrow } from '../errors';
import { principal, sessionToken } from '../http/auth';
import { changes, named, noChange } from '../http/changes';
import { orgKey } from '../http/tenancy';
import type { HttpEvent } from './ports';
import { setPlatformSecurityHeaders } from './response-policy';
import type { Caller, FunctionsService } from './service';

/** Headers a handler never sees: credentials and vCD's signed context. */
const PRIVATE_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-vcloud-authorization',
  'x-vcloud-security-context',
  'x-vcloud-context-signature',
]);

const org = (res: Response): string => res.locals.org as string;
const deadLetter = (req: Request): string => `dead letter ${String(req.params.id)} of function ${String(req.params.name)}`;

/** The caller's own org UUID when the URL names their org (a provider acting for another org has none) and token. */
function callerOf(req: Request, res: Response): Caller {
  const p = principal(res);
  return { ...(orgKey(p.orgName) === org(res) ? { orgUuid: p.orgId } : {}), token: sessionToken(req)?.token };
}

/** /api/org/{org}/faas/... (mounted after auth and tenancy). */
export function functionsRoutes(service: FunctionsService): Router {
  const router = Router({ mergeParams: true });
  // Express matches in the order routes are added: the groups keep the routes' order.
  collectionRoutes(router, service);
  versionRoutes(router, service);
  asyncRoutes(router, service);
  orgWideRoutes(router, service);
  deleteRoute(router, service);
  return router;
}

/** List, create, read and change a function. */
function collectionRoutes(router: Router, service: FunctionsService): void {
  router.get('/functions', async (req, res) => {
    const page = parseOrThrow(PageQuerySchema, req.query, 'invalid query');
    res.json(await service.list(org(res), page));
  });

  router.post('/functions', changes('functions', 'create', named('function')), async (req, res) => {
    const fn = await service.create(org(res), req.body, callerOf(req, res));
    res.status(202).location(`${req.baseUrl}/functions/${fn.name}`).json(fn);
  });

  router.get('/functions/:name', async (req, res) => {
    res.locals.function = req.params.name;
    res.json(await service.get(org(res), String(req.params.name)));
  });

  router.put('/functions/:name', changes('versions', 'update', named('function', 'name')), async (req, res) => {
    res.locals.function = req.params.name;
    res.status(202).json(await service.update(org(res), String(req.params.name), req.body, callerOf(req, res)));
  });
}

/** A function's versions, rollback and calls. */
function versionRoutes(router: Router, service: FunctionsService): void {
  router.get('/functions/:name/versions', async (req, res) => {
    res.locals.function = req.params.name;
    res.json(await service.versions(org(res), String(req.params.name), req.query));
  });

  router.post('/functions/:name/rollback', changes('versions', 'rollback', named('function', 'name')), async (req, res) => {
    res.locals.function = req.params.name;
    res.status(202).json(await service.rollback(org(res), String(req.params.name), req.body));
  });

  router.get('/functions/:name/activations', async (req, res) => {
    res.locals.function = req.params.name;
    res.json(await service.activations(org(res), String(req.params.name), req.query));
  });
}

/** Queued calls (X-Invocation-Type: Event) and their dead letters. */
function asyncRoutes(router: Router, service: FunctionsService): void {
  router.post('/functions/:name/invocations', noChange('a call: its activation records it'), async (req, res) => {
    res.locals.function = req.params.name;
    const queued = await service.invokeAsyncByName(org(res), String(req.params.name), eventOf(req), String(res.locals.requestId));
    res.status(202).setHeader('X-Activation-Id', queued.activationId);
    res.json({ activationId: queued.activationId, status: 'queued' });
  });

  router.get('/functions/:name/dead-letters', async (req, res) => {
    res.locals.function = req.params.name;
    res.json(await service.deadLetters(org(res), String(req.params.name), req.query));
  });

  router.post('/functions/:name/dead-letters/:id/redrive', changes('deadLetters', 'redrive', deadLetter), async (req, res) => {
    res.locals.function = req.params.name;
    const queued = await service.redrive(org(res), String(req.params.name), String(req.params.id));
    res.status(202).setHeader('X-Activation-Id', queued.activationId);
    res.json(queued);
  });

  router.delete('/functions/:name/dead-letters/:id', changes('deadLetters', 'delete', deadLetter), async (req, res) => {
    res.locals.function = req.params.name;
    await service.deleteDeadLetter(org(res), String(req.params.name), String(req.params.id));
    res.status(204).end();
  });
}

/** The runtimes and one activation, by id, in the org. */
function orgWideRoutes(router: Router, service: FunctionsService): void {
  router.get('/runtimes', async (_req, res) => {
    res.json(await service.runtimes());
  });

  router.get('/activations/:id', async (req, res) => {
    res.json(await service.activation(org(res), String(req.params.id)));
  });
}

/** Delete a function. */
function deleteRoute(router: Router, service: FunctionsService): void {
  router.delete('/functions/:name', changes('functions', 'delete', named('function', 'name')), async (req, res) => {
    res.locals.function = req.params.name;
    await service.delete(org(res), String(req.params.name));
    res.status(204).end();
  });
}

function eventOf(req: Request): HttpEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || PRIVATE_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: req.method,
    path: req.originalUrl.split('?')[0],
    query: req.query as HttpEvent['query'],
    headers,
    body: req.body ?? null,
  };
}

/** ANY /api/org/{org}/{route...}: runs the function serving the route and answers with its response. */
export function invokeRoute(service: FunctionsService): RequestHandler {
  return async (req, res) => {
    const route = ([] as string[]).concat(req.params.route ?? []).join('/');
    // Before the call: an error answer of a function route is served on vCD's origin too.
    setPlatformSecurityHeaders(res);
    // Lambda's header: Event queues the call and answers at once; RequestResponse (or none) waits for it.
    const type = req.get('x-invocation-type');
    if (type !== undefined && !/^(event|requestresponse)$/i.test(type)) {
      throw new Invalid('X-Invocation-Type is Event or RequestResponse', [{ path: 'X-Invocation-Type', message: 'Event or RequestResponse' }]);
    }
    if (type && /^event$/i.test(type)) {
      const queued = await service.invokeAsync(org(res), route, eventOf(req), String(res.locals.requestId));
      res.locals.function = queued.function;
      res.setHeader('X-Activation-Id', queued.activationId);
      res.status(202).json({ activationId: queued.activationId, status: 'queued' });
      return;
    }
    // Another alias than live (what the route calls by default): X-Function-Alias: beta.
    const alias = req.get('x-function-alias');
    if (alias !== undefined && !AliasNameSchema.safeParse(alias).success) {
      throw new Invalid('X-Function-Alias names an alias of the function, such as beta', [{ path: 'X-Function-Alias', message: 'an alias name' }]);
    }
    let result: Awaited<ReturnType<FunctionsService['invoke']>>;
    try {
      result = await service.invoke(org(res), route, eventOf(req), String(res.locals.requestId), alias);
    } catch (err) {
      // A call that ran (or was refused) still has its activation: the caller can look it up.
      const activationId = (err as { activationId?: unknown }).activationId;
      if (typeof activationId === 'string') res.setHeader('X-Activation-Id', activationId);
      throw err;
    }
    res.locals.function = result.function;
    // Already through the response policy: only headers a function may set, none of the platform's.
    for (const [name, value] of Object.entries(result.headers)) res.setHeader(name, value);
    // After the handler's headers: a function cannot point its caller at another activation.
    res.setHeader('X-Activation-Id', result.activationId);
    res.status(result.statusCode);
    if (result.payload === undefined) {
      res.end();
    } else if (typeof result.body === 'string') {
      if (!res.getHeader('content-type')) res.type('text/plain; charset=utf-8');
      res.send(result.payload);
    } else {
      if (!res.getHeader('content-type')) res.type('application/json');
      res.send(result.payload);
    }
  };
}
