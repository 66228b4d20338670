import { Router } from 'express';
import { AuditQuerySchema, ProviderAuditQuerySchema } from '../../contract/audit';
import { Forbidden, parseOrThrow } from '../errors';
import { principal } from '../http/auth';
import type { AuditStore } from './store';

/** /api/org/{org}/audit: the org's own log (tenancy has checked the org is the caller's, or the caller is the provider). */
export function auditRoutes(store: AuditStore): Router {
  const router = Router({ mergeParams: true });
  router.get('/', async (req, res) => {
    const query = parseOrThrow(AuditQuerySchema, req.query, 'invalid query');
    res.json(await store.list({ ...query, org: res.locals.org as string }));
  });
  return router;
}

/** /api/org/{org}/provider/audit: every org's log, or one org's (?org=); the provider only. */
export function providerAuditRoutes(store: AuditStore): Router {
  const router = Router({ mergeParams: true });
  router.get('/', async (req, res) => {
    if (!principal(res).isProvider) throw new Forbidden('only the provider may read every organization\'s audit log');
    res.json(await store.list(parseOrThrow(ProviderAuditQuerySchema, req.query, 'invalid query')));
  });
  return router;
}
