import { Router, type Request, type Response } from 'express';
import { Forbidden, Unauthenticated } from '../errors';
import { principal, sessionToken } from '../http/auth';
import type { ProviderService } from './service';

/** Only the provider; a tenant is told so (403 problem+json), whatever org its URL names. */
function providerToken(req: Request, res: Response): string {
  if (!principal(res).isProvider) throw new Forbidden('only the provider may see every tenant');
  const token = sessionToken(req)?.token;
  // vCD's org list is read with the provider's own session, so vCD decides which orgs exist.
  if (!token) throw new Unauthenticated('the tenants overview needs the provider\'s vCD session token');
  return token;
}

/** /api/org/{org}/provider/... (mounted after auth and tenancy; any {org}, e.g. System). */
export function providerRoutes(service: ProviderService): Router {
  const router = Router({ mergeParams: true });
  router.get('/tenants', async (req, res) => {
    res.json(await service.tenants(providerToken(req, res)));
  });
  router.get('/tenants.csv', async (req, res) => {
    const { month, csv } = await service.tenantsCsv(providerToken(req, res));
    res.type('text/csv; charset=utf-8').attachment(`tenants-${month}.csv`).send(csv);
  });
  // What this backend runs, for `vcd-serverless status` and `diff` (contract/about.ts).
  router.get('/about', async (req, res) => {
    res.json(await service.about(providerToken(req, res)));
  });
  return router;
}
