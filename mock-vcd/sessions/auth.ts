import type { NextFunction, Request, Response } from 'express';
import { forbidden, unauthorized } from '../http/vcd-errors';
import type { Session, SessionStore } from './store';

/** The cookie the mock sets at login so the portal's `<script src=/plugins/...>` is authenticated like its API calls. */
export const SESSION_COOKIE = 'vcloud_session_id';

/**
 * The token a request carries: `Authorization: Bearer` or legacy `x-vcloud-authorization`; the session cookie only
 * where asked (plugin files), so API calls stay header-authenticated like vCD's and no cross-site form can make them.
 */
export function tokenOf(req: Request, options: { allowCookie?: boolean } = {}): string | undefined {
  const auth = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
  if (bearer) return bearer;
  const legacy = req.headers['x-vcloud-authorization'];
  if (typeof legacy === 'string' && legacy.trim()) return legacy.trim();
  if (!options.allowCookie) return undefined;
  const cookie = req.headers.cookie ?? '';
  for (const part of cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE && value.length) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

export function sessionOf(res: Response): Session {
  const session = res.locals.session as Session | undefined;
  if (!session) throw unauthorized();
  return session;
}

export const isProvider = (session: Session) => session.org.isProvider;

/** Middleware: a live session, else vCD's 401. */
export function requireSession(store: SessionStore, options: { allowCookie?: boolean } = {}) {
  return (req: Request, res: Response, next: NextFunction) => {
    const token = tokenOf(req, options);
    const session = token ? store.resolve(token) : undefined;
    if (!session) return next(unauthorized());
    res.locals.session = session;
    next();
  };
}

/** Middleware after requireSession: System org sessions only, else vCD's 403. */
export function requireProvider(req: Request, res: Response, next: NextFunction): void {
  next(isProvider(sessionOf(res)) ? undefined : forbidden());
}
