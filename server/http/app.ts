import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import express, { Router, type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { notificationRoutes } from '../functions/event-routes';
import { functionsRoutes, invokeRoute } from '../functions/routes';
import type { FunctionsService } from '../functions/service';
import { showbackRoutes, type ShowbackDeps } from '../showback/routes';
import { autoscaleRoutes } from '../autoscale/routes';
import type { AutoscaleService } from '../autoscale/service';
import type { VcdClient } from '../vcd/client';
import { authenticate, SessionCache } from './auth';
import { errorHandler, notFoundHandler, NotReady, sendProblem, toProblem } from './errors';
import { orgRateLimit, securityHeaders } from './limits';
import { buildOpenApiDocument } from './openapi';
import { requireOrgAccess } from './tenancy';

export interface AppDeps {
  log: Logger;
  vcd: VcdClient;
  functions: FunctionsService;
  /** Showback's store, queries, collector and rate card; absent = no showback routes. */
  showback?: ShowbackDeps;
  /** Autoscale rules, alerts and decisions; absent = no autoscale routes. */
  autoscale?: AutoscaleService;
  /** Resolves when the store answers; rejects otherwise (GET /readyz). */
  checkReady: () => Promise<void>;
  sharedSecret?: string;
  sessionCacheTtlMs: number;
  bodyLimitBytes: number;
  /** Requests per org and minute in this replica; 0 = no limit. */
  orgRateLimitPerMinute?: number;
  version?: string;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** requestId per request (X-Request-Id when sane) and one log line when it finishes; never headers or tokens. */
function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const level = res.statusCode >= 500 ? 'warn' : 'info';
      log[level](
        { requestId, method: req.method, path: req.path, status: res.statusCode, ms, org: res.locals.org, function: res.locals.function },
        'request',
      );
    });
    next();
  };
}

/** Parses JSON (any value, so handlers may take one) and, for other types, the body as text. */
function bodyParsers(limit: number): RequestHandler[] {
  const isJson = (req: IncomingMessage) => /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(req.headers['content-type'] ?? '');
  return [
    express.json({ limit, strict: false, type: isJson }),
    express.text({ limit, type: (req) => !isJson(req) }),
  ];
}

/** The Express app; it never listens (main.ts does, tests mount it on port 0). */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLog(deps.log));
  app.use(securityHeaders());

  const openapi = buildOpenApiDocument({ version: deps.version ?? '0.1.0' });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
    try {
      await deps.checkReady();
      res.json({ status: 'ready' });
    } catch {
      sendProblem(res, toProblem(new NotReady('the store is not reachable'), req.path));
    }
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  const cache = new SessionCache(deps.sessionCacheTtlMs);
  const auth = authenticate({ vcd: deps.vcd, sharedSecret: deps.sharedSecret, cache });

  // Auth and tenancy come before body parsing: nobody unauthenticated makes us read a megabyte.
  const tenant = Router({ mergeParams: true });
  tenant.use(requireOrgAccess, orgRateLimit({ perMinute: deps.orgRateLimitPerMinute ?? 0 }), ...bodyParsers(deps.bodyLimitBytes));
  tenant.use('/faas', functionsRoutes(deps.functions));
  if (deps.showback) tenant.use('/showback', showbackRoutes(deps.showback));
  if (deps.autoscale) tenant.use('/autoscale', autoscaleRoutes(deps.autoscale));
  tenant.all('/*route', invokeRoute(deps.functions));
  app.use('/api/org/:org', auth, tenant);
  // vCD notifications over HTTP, signed with the extension secret (no vCD session: vCD itself sends them).
  app.use('/notifications', notificationRoutes({ functions: deps.functions, sharedSecret: deps.sharedSecret }));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.log));
  return app;
}
