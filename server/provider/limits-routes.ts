import { Router, type Response } from 'express';
import { Forbidden } from '../errors';
import { principal, sessionToken } from '../http/auth';
import { noChange } from '../http/changes';
import type { LimitsService } from './limits';

/** The limits service records its own changes in the audit log, with before and after. */
const RECORDED_BY_LIMITS = 'recorded by the limits service, with before and after';

/** Only the provider sets limits; a tenant is told so (403), even for its own org. */
function providerName(res: Response): string {
  const p = principal(res);
  if (!p.isProvider) throw new Forbidden('only the provider may read or change the limits of other organizations or change any');
  return `${p.userName}@${p.orgName}`;
}

/** /api/org/{org}/provider/limits/... (provider only; mounted after auth and tenancy). */
export function providerLimitsRoutes(limits: LimitsService): Router {
  const router = Router({ mergeParams: true });
  router.get('/default', async (_req, res) => {
    providerName(res);
    res.json(await limits.getDefault());
  });
  router.put('/default', noChange(RECORDED_BY_LIMITS), async (req, res) => {
    res.json(await limits.putDefault(req.body, providerName(res)));
  });
  router.get('/orgs', async (_req, res) => {
    providerName(res);
    res.json(await limits.list());
  });
  router.get('/orgs/:tenant', async (req, res) => {
    providerName(res);
    res.json(await limits.getOrg(req.params.tenant, sessionToken(req)?.token ?? ''));
  });
  router.put('/orgs/:tenant', noChange(RECORDED_BY_LIMITS), async (req, res) => {
    res.json(await limits.putOrg(req.params.tenant, req.body, { by: providerName(res), token: sessionToken(req)?.token ?? '' }));
  });
  router.delete('/orgs/:tenant', noChange(RECORDED_BY_LIMITS), async (req, res) => {
    await limits.removeOrg(req.params.tenant, providerName(res));
    res.status(204).end();
  });
  return router;
}

/** /api/org/{org}/limits: the org's effective limits, read-only, for its tenant (tenancy has checked the org) and the provider. */
export function tenantLimitsRoutes(limits: LimitsService): Router {
  const router = Router({ mergeParams: true });
  router.get('/', async (_req, res) => {
    res.json(await limits.getOrg(res.locals.org as string));
  });
  return router;
}
