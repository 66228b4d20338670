import { Router } from 'express';
import { requireApiVersion } from '../http/api-version';
import { paged } from '../http/paged';
import { notFound } from '../http/vcd-errors';
import { isProvider, requireSession, sessionOf } from '../sessions/auth';
import type { SessionStore } from '../sessions/store';
import type { Directory, Org } from './directory';

const toOrgJson = (org: Org) => ({
  id: org.id,
  name: org.name,
  displayName: org.displayName,
  description: org.description,
  isEnabled: true,
  canManageOrgs: org.isProvider,
  canPublish: org.isProvider,
});

/** `GET /cloudapi/1.0.0/orgs[/{id}]`: the provider sees every org, a tenant its own. */
export function orgRoutes(deps: { directory: Directory; sessions: SessionStore }): Router {
  const router = Router();
  const guard = [requireApiVersion, requireSession(deps.sessions)];
  const visible = (res: import('express').Response) => {
    const session = sessionOf(res);
    return deps.directory.orgs.filter((o) => isProvider(session) || o.id === session.org.id);
  };
  router.get('/cloudapi/1.0.0/orgs', ...guard, (req, res) => {
    res.type(`application/json;version=${res.locals.apiVersion}`).send(JSON.stringify(paged(visible(res).map(toOrgJson), req.query)));
  });
  router.get('/cloudapi/1.0.0/orgs/:id', ...guard, (req, res) => {
    const org = visible(res).find((o) => o.id === req.params.id);
    if (!org) throw notFound(`Org ${req.params.id} not found.`);
    res.type(`application/json;version=${res.locals.apiVersion}`).send(JSON.stringify(toOrgJson(org)));
  });
  return router;
}
