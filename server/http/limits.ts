import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { TooManyRequests } from '../errors';

/**
 * Requests per org and minute, counted in this replica's memory (several replicas each allow as many: the limit
 * protects a replica from one noisy tenant, it is not billing). 0 turns it off.
 */
export function orgRateLimit(options: { perMinute: number }): RequestHandler {
  const { perMinute } = options;
  if (perMinute <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // After tenancy: res.locals.org is the org the caller may act for, whatever its session.
    keyGenerator: (_req, res) => `org:${String(res.locals.org)}`,
    handler: (req, res, next) => {
      const { rateLimit: state } = req as { rateLimit?: { resetTime?: Date } };
      const resetAt = state?.resetTime?.getTime() ?? Date.now() + 60_000;
      const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
      next(new TooManyRequests(`organization "${String(res.locals.org)}" sent more than ${perMinute} requests in a minute; retry in ${retryAfter} s`, retryAfter));
    },
  });
}

/** An API's security headers: nothing here is a page to frame, sniff or run scripts in. No CORS headers at all. */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
}
