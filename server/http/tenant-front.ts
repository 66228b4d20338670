import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { NotFound } from '../errors';

/** A feature's router and where it is mounted under /api/org/{org}. */
export interface TenantMount {
  path: string;
  router: RequestHandler;
}

export interface TenantFrontOptions {
  /** Run in this order before any route: auth, tenancy, the org rate limit, body parsing, the audit trail. */
  before: RequestHandler[];
  mounts: TenantMount[];
  /** Whatever no mount answered (a function's route), with params.route as its path's segments. */
  fallback?: RequestHandler;
}

/**
 * The tenant API (`/api/org/{org}/...`) without walking Express's router layer by layer (issue 16): the same
 * middleware and feature routers, in the same order and with the same `req.url`, `req.baseUrl` and `req.params` as
 * `app.use('/api/org/:org', ...before, router)` with `router.use(path, featureRouter)` and a `/*route` fallback would
 * give them, but chosen by a prefix match once instead of one layer match each. A function's route, under no mount,
 * goes from the middleware straight to the fallback.
 *
 * A path it is not sure to read as Express would (percent-encoding that does not decode, an empty segment, a trailing
 * slash, an absolute-form URL) is passed on with `next()` untouched, to the Express routes that answer it as before.
 */
export function tenantFront(options: TenantFrontOptions): RequestHandler {
  const mounts = options.mounts.map((m) => ({ prefix: m.path.replace(/\/+$/, '').toLowerCase(), router: m.router }));
  return (req, res, next) => {
    const parsed = parseTenantUrl(req.url);
    if (!parsed) return next();
    const { rawOrg, org, rest, query, route } = parsed;
    const saved = { url: req.url, baseUrl: req.baseUrl, params: req.params };
    req.url = rest + query;
    req.baseUrl = saved.baseUrl + rawOrg;
    req.params = { org };
    const finish = (err?: unknown) => {
      req.url = saved.url;
      req.baseUrl = saved.baseUrl;
      req.params = saved.params;
      next(err ?? new NotFound(`no resource at ${req.method} ${req.path}`));
    };
    const lower = rest.toLowerCase();
    const matching = mounts.filter((m) => lower === m.prefix || lower.startsWith(`${m.prefix}/`));
    chain(options.before, req, res, (err) => {
      if (err) return finish(err);
      throughMounts(matching, rest, query, req, res, (err2) => {
        if (err2 || !options.fallback || !route) return finish(err2);
        req.params = { org, route };
        chain([options.fallback], req, res, finish);
      });
    });
  };
}

interface TenantUrl {
  /** `/api/org/{org}` as sent (the mount's baseUrl). */
  rawOrg: string;
  /** The org, percent-decoded. */
  org: string;
  /** The path after the org, starting with a slash. */
  rest: string;
  /** `?...` or empty. */
  query: string;
  /** The rest's segments, decoded (what `/*route` gives), or undefined when it has none. */
  route?: string[];
}

const TENANT_PATH = /^(\/api\/org\/([^/?#]+))((?:\/[^/?#]+)+)$/i;

/** `/api/org/{org}/a/b?q` read as Express reads it, or undefined when any part is not plain. */
export function parseTenantUrl(url: string): TenantUrl | undefined {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const m = TENANT_PATH.exec(path);
  if (!m) return undefined;
  try {
    const org = decodeURIComponent(m[2]);
    const rest = m[3];
    const route = rest.slice(1).split('/').map(decodeURIComponent);
    return { rawOrg: m[1], org, rest, query: q < 0 ? '' : url.slice(q), route };
  } catch {
    return undefined;
  }
}

/**
 * Each matching mount's router in order, with the url trimmed and the baseUrl extended as Express's mount does; one
 * that does not answer passes to the next (next() or next('router')), an error ends the walk.
 */
function throughMounts(
  mounts: { prefix: string; router: RequestHandler }[],
  rest: string,
  query: string,
  req: Request,
  res: Response,
  done: (err?: unknown) => void,
): void {
  const parentUrl = req.baseUrl;
  const parentParams = req.params;
  let i = 0;
  const step = (err?: unknown): void => {
    req.url = rest + query;
    req.baseUrl = parentUrl;
    req.params = parentParams;
    if (err && err !== 'router' && err !== 'route') return done(err);
    const mount = mounts[i++];
    if (!mount) return done();
    const after = rest.slice(mount.prefix.length);
    req.url = (after.startsWith('/') ? after : `/${after}`) + query;
    req.baseUrl = parentUrl + rest.slice(0, mount.prefix.length);
    chain([mount.router], req, res, step);
  };
  step();
}

/**
 * Runs handlers like a router's middleware layers: next() and next('route') go on, next('router') leaves without an
 * error, next(err) or a rejected promise stops with err.
 */
function chain(handlers: RequestHandler[], req: Request, res: Response, done: (err?: unknown) => void): void {
  let i = 0;
  const next = ((err?: unknown) => {
    if (err === 'router') return done();
    if (err !== undefined && err !== null && err !== 'route') return done(err);
    const handler = handlers[i++];
    if (!handler) return done();
    try {
      const out = handler(req, res, next) as unknown;
      if (out instanceof Promise) out.then(undefined, (e: unknown) => next(e ?? new Error('Rejected promise')));
    } catch (e) {
      next(e);
    }
  }) as NextFunction;
  next();
}
