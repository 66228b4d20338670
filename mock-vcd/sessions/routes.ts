import { Router } from 'express';
import { requireApiVersion } from '../http/api-version';
import { VcdError, unauthorized } from '../http/vcd-errors';
import { type Directory, findOrgByName } from '../orgs/directory';
import { SESSION_COOKIE, requireSession, sessionOf } from './auth';
import type { Notifier } from '../infra/notifications';
import { type SessionStore, toSessionJson } from './store';

export interface SessionRoutesDeps {
  directory: Directory;
  sessions: SessionStore;
  site: { name: string; id: string };
  /** Where a logout is published (`com/vmware/vcloud/event/session/logout`, the session as entity). */
  notifier?: Notifier;
}

function parseBasic(header: string | undefined): { user: string; org: string; password: string } | undefined {
  const encoded = /^Basic\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const login = decoded.slice(0, colon);
  const at = login.lastIndexOf('@');
  if (at <= 0 || at === login.length - 1) return undefined;
  return { user: login.slice(0, at), org: login.slice(at + 1), password: decoded.slice(colon + 1) };
}

/** vCD sessions (VCD-WIRE §2): tenant and provider login, current session, logout. */
export function sessionRoutes(deps: SessionRoutesDeps): Router {
  const router = Router();
  const base = '/cloudapi/1.0.0/sessions';

  const login = (scope: 'tenant' | 'provider') => (req: import('express').Request, res: import('express').Response) => {
    const credentials = parseBasic(req.headers.authorization);
    if (!credentials) throw unauthorized('Login needs "Authorization: Basic base64(user@org:password)".');
    const org = findOrgByName(deps.directory, credentials.org);
    const user = org && deps.directory.users.find((u) => u.orgId === org.id && u.name === credentials.user);
    if (!org || !user || user.password !== credentials.password) throw unauthorized('Invalid username or password.');
    if (scope === 'tenant' && org.isProvider) {
      throw unauthorized(`Provider users must log in at ${base}/provider.`);
    }
    if (scope === 'provider' && !org.isProvider) {
      throw unauthorized(`Only System organization users may log in at ${base}/provider; tenants log in at ${base}.`);
    }
    const session = deps.sessions.create(user);
    res
      .status(200)
      .set('X-VMWARE-VCLOUD-ACCESS-TOKEN', session.accessToken)
      .set('X-VMWARE-VCLOUD-TOKEN-TYPE', 'Bearer')
      .set('x-vcloud-authorization', session.legacyToken)
      .cookie(SESSION_COOKIE, session.legacyToken, { httpOnly: true, sameSite: 'lax', path: '/' })
      .type(`application/json;version=${res.locals.apiVersion}`)
      .send(JSON.stringify(toSessionJson(session, deps.sessions, deps.site)));
  };

  router.post(base, requireApiVersion, login('tenant'));
  router.post(`${base}/provider`, requireApiVersion, login('provider'));

  router.get(`${base}/current`, requireApiVersion, requireSession(deps.sessions), (req, res) => {
    res.type(`application/json;version=${res.locals.apiVersion}`).send(JSON.stringify(toSessionJson(sessionOf(res), deps.sessions, deps.site)));
  });

  // The logout event is delivered before the answer, so a backend that caches sessions has dropped it by then.
  router.delete(`${base}/current`, requireApiVersion, requireSession(deps.sessions), async (req, res) => {
    const session = sessionOf(res);
    deps.sessions.revoke(session);
    await deps.notifier?.emitDelivered({
      event: 'session/logout',
      operationSuccess: true,
      userId: session.user.id,
      orgId: session.org.id,
      entity: session.id,
      task: '',
      taskOwner: '',
    });
    res.clearCookie(SESSION_COOKIE, { path: '/' }).status(204).end();
  });

  // vCD also addresses a session by its id; only one's own.
  router.get(`${base}/:id`, requireApiVersion, requireSession(deps.sessions), (req, res) => {
    const session = sessionOf(res);
    if (req.params.id !== session.id) throw new VcdError(404, 'RESOURCE_NOT_FOUND', `Session ${req.params.id} not found.`);
    res.type(`application/json;version=${res.locals.apiVersion}`).send(JSON.stringify(toSessionJson(session, deps.sessions, deps.site)));
  });

  return router;
}
