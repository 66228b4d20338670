import type { RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import helmet from 'helmet';
import { TooManyRequests } from '../errors';
import { MemoryRateWindows, type RateWindows } from '../store/rate-windows';

/** express-rate-limit's store over the RateWindows port: a fixed window of windowMs per key. */
function windowStore(windows: RateWindows, windowMs: number): Store {
  return {
    localKeys: windows instanceof MemoryRateWindows,
    prefix: 'requests:',
    increment: async (key) => {
      const [hit] = await windows.hit([`requests:${key}`], windowMs);
      return { totalHits: hit.hits, resetTime: new Date(hit.resetAt) };
    },
    decrement: (key) => windows.undo([`requests:${key}`], windowMs),
    // A window ends by itself; nothing here resets one early.
    resetKey: () => undefined,
  };
}

/**
 * Requests per org and minute, counted through the RateWindows port: in the store on PostgreSQL, so every replica
 * gives the same answer; in memory on embedded PGlite (one process). 0 turns it off.
 */
export function orgRateLimit(options: { perMinute: number; windows?: RateWindows }): RequestHandler {
  const { perMinute } = options;
  if (perMinute <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    store: windowStore(options.windows ?? new MemoryRateWindows(), 60_000),
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

/** Helmet's settings for the API: nothing here is a page to frame, sniff or run scripts in. No CORS headers at all. */
export const API_HELMET: Parameters<typeof helmet>[0] = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginResourcePolicy: { policy: 'same-origin' },
};

/**
 * An API's security headers: what helmet sets with API_HELMET, worked out once at start and set from that list on
 * each answer (they depend on nothing in the request; helmet would build them again per request).
 */
export function securityHeaders(): RequestHandler {
  const set: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => void set.push([name, String(value)]),
    removeHeader: (name: string) => void removed.push(name),
  };
  let called = false;
  helmet(API_HELMET)({} as never, recorder as never, () => (called = true));
  if (!called) throw new Error('helmet did not set its headers at once');
  return (_req, res, next) => {
    for (const [name, value] of set) res.setHeader(name, value);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}
