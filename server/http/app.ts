import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import express, { Router, type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { VcdClient } from '../vcd/client';
import { authenticate, type Principal } from './auth';
import { SessionCache } from './session-cache';
import { errorHandler, notFoundHandler, NotReady, sendProblem, toProblem } from './errors';
import type { RateWindows } from '../store/rate-windows';
import { orgRateLimit, securityHeaders } from './limits';
import { buildOpenApiDocument, type RegisterPaths } from './openapi';
import { tenantFront, type TenantMount } from './tenant-front';
import { requireOrgAccess } from './tenancy';

/** A feature's router and where it is mounted. */
export type MountedRouter = TenantMount;

/** The app knows no feature: server/main.ts hands it their routers (server/compose/). */
export interface AppDeps {
  log: Logger;
  vcd: VcdClient;
  /** Under /api/org/{org} after auth, tenancy, the org rate limit and body parsing, in this order. */
  tenantRoutes: MountedRouter[];
  /** Under /api/org/{org} after body parsing, before the tenant routes (the audit trail). */
  tenantMiddleware?: RequestHandler[];
  /** Under /api/org/{org} after every tenant route: whatever they left (a function's own route). */
  tenantFallback?: RequestHandler;
  /**
   * Exactly the security headers an answer of the fallback (a function's route) carries, errors included, instead of
   * the API's (helmet's) set: set from one precomputed list at the front, before auth.
   */
  tenantFallbackHeaders?: Readonly<Record<string, string>>;
  /** Called by vCD itself, without a session (each checks the extension secret's signature). */
  vcdRoutes?: MountedRouter[];
  /** The features' OpenAPI paths, in document order. */
  openApiPaths?: RegisterPaths[];
  /** Resolves when the store answers; rejects otherwise (GET /readyz). */
  checkReady: () => Promise<void>;
  sharedSecret?: string;
  sessionCacheTtlMs: number;
  /** The validated-token cache, when the caller also feeds it vCD's events (main.ts); else one of sessionCacheTtlMs. */
  sessions?: SessionCache<Principal>;
  bodyLimitBytes: number;
  /** Requests per org and minute, counted in rateWindows; 0 = no limit. */
  orgRateLimitPerMinute?: number;
  /** Where the request rate is counted (the store: the same on every replica); this process' memory when not given. */
  rateWindows?: RateWindows;
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

/**
 * Passes a request whose path is under none of the mounts (a function's route: those never start with a feature's
 * word, contract/triggers.ts) and skips the route otherwise (next('route')), so the feature routers see it as before.
 * Matched like Express mounts: case-insensitive, the mount itself or below it.
 */
function outsideMounts(mounts: MountedRouter[]): RequestHandler {
  const outside = underNoMount(mounts);
  return (req, _res, next) => next(outside(req.path) ? undefined : 'route');
}

/** Whether a path (under /api/org/{org}) is under none of the mounts, matched like Express mounts them. */
function underNoMount(mounts: MountedRouter[]): (path: string) => boolean {
  const prefixes = mounts.map((m) => m.path.replace(/\/+$/, '').toLowerCase());
  return (path) => {
    const lower = path.toLowerCase();
    return !prefixes.some((p) => lower === p || lower.startsWith(`${p}/`));
  };
}

/** Whether a path is `/api/org/{org}/...` with the part after the org under none of the mounts: a function's route. */
function functionPathOf(mounts: MountedRouter[]): (path: string) => boolean {
  const outside = underNoMount(mounts);
  return (path) => {
    const rest = /^\/api\/org\/[^/]+(\/.+)$/i.exec(path)?.[1];
    return rest !== undefined && outside(rest);
  };
}

/**
 * The API's security headers (helmet) on every answer, except on a function's route: there exactly the headers its
 * answers must carry (issue 19's response policy), from a list built once. Fewer headers and no per-call policy work.
 */
function answerHeaders(deps: AppDeps): RequestHandler {
  const api = securityHeaders();
  const fixed = deps.tenantFallback && deps.tenantFallbackHeaders ? Object.entries(deps.tenantFallbackHeaders) : undefined;
  if (!fixed) return api;
  const isFunctionPath = functionPathOf(deps.tenantRoutes);
  return (req, res, next) => {
    if (!isFunctionPath(req.path)) return api(req, res, next);
    for (const [name, value] of fixed) res.setHeader(name, value);
    next();
  };
}

/** The Express app; it never listens (main.ts does, tests mount it on port 0). */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLog(deps.log));
  app.use(answerHeaders(deps));

  const openapi = buildOpenApiDocument({ version: deps.version ?? '0.1.0', features: deps.openApiPaths });
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

  const cache = deps.sessions ?? new SessionCache<Principal>(deps.sessionCacheTtlMs);
  const auth = authenticate({ vcd: deps.vcd, sharedSecret: deps.sharedSecret, cache });

  // Auth and tenancy come before body parsing: nobody unauthenticated makes us read a megabyte.
  const before = [
    requireOrgAccess,
    orgRateLimit({ perMinute: deps.orgRateLimitPerMinute ?? 0, windows: deps.rateWindows }),
    ...bodyParsers(deps.bodyLimitBytes),
    ...(deps.tenantMiddleware ?? []),
  ];
  // Every plain tenant path: the same middleware and routers, picked without the router's layer walk.
  app.use(tenantFront({ before: [auth, ...before], mounts: deps.tenantRoutes, fallback: deps.tenantFallback }));
  // What the front leaves (a path it does not read exactly as Express would): the same, through Express's router.
  const tenant = Router({ mergeParams: true });
  for (const handler of before) tenant.use(handler);
  // A path under no feature's mount would fall through every feature router: it goes to the fallback at once.
  if (deps.tenantFallback) tenant.all('/*route', outsideMounts(deps.tenantRoutes), deps.tenantFallback);
  for (const { path, router } of deps.tenantRoutes) tenant.use(path, router);
  if (deps.tenantFallback) tenant.all('/*route', deps.tenantFallback);
  app.use('/api/org/:org', auth, tenant);
  // e.g. vCD notifications over HTTP, signed with the extension secret (no vCD session: vCD itself sends them).
  for (const { path, router } of deps.vcdRoutes ?? []) app.use(path, router);

  app.use(notFoundHandler);
  app.use(errorHandler(deps.log));
  return app;
}
