import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { Unauthenticated, parseOrThrow } from '../errors';
import { principal, sessionToken } from '../http/auth';
import { changes, named, noChange } from '../http/changes';
import type { ChangeAuthor } from './journal';
import type { AutoscaleService } from './service';

const org = (res: Response): string => res.locals.org as string;
const Page = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) }).strict();

/** The caller's vCD session: references and metrics are read as the caller, so vCD decides what the tenant sees. */
function tokenOf(req: Request): string {
  const session = sessionToken(req);
  if (!session || session.scheme !== 'bearer') throw new Unauthenticated('autoscale needs the caller’s vCD bearer token');
  return session.token;
}

/** Who changes a rule: the session's user and org (a provider acting for a tenant is journalled as System). */
function authorOf(res: Response): ChangeAuthor {
  const p = principal(res);
  return { user: p.userName, org: p.orgName };
}

/** /api/org/{org}/autoscale/... (mounted after auth and tenancy): rules, the wizard's pickers, vROps's alerts. */
export function autoscaleRoutes(service: AutoscaleService): Router {
  const router = Router({ mergeParams: true });
  ruleRoutes(router, service);
  pickerRoutes(router, service);
  alertRoutes(router, service);
  return router;
}

/** A rule's life: list, create, backtest a draft, read, edit, its history and events, metrics, dry run, delete. */
function ruleRoutes(router: Router, service: AutoscaleService): void {
  router.get('/rules', async (req, res) => {
    res.json(await service.list(org(res), parseOrThrow(Page, req.query, 'invalid query')));
  });
  router.post('/rules', changes('rules', 'create', named('rule')), async (req, res) => {
    const rule = await service.create(org(res), tokenOf(req), req.body, authorOf(res));
    res.status(201).location(`${req.baseUrl}/rules/${rule.id}`).json(rule);
  });
  // Before /rules/:id: "backtest" is no rule id.
  router.post('/rules/backtest', noChange('a replay of a draft rule: nothing is stored'), async (req, res) => {
    res.json(await service.backtests.run(org(res), tokenOf(req), req.body));
  });
  router.get('/rules/:id', async (req, res) => {
    res.json(await service.get(org(res), req.params.id));
  });
  router.put('/rules/:id', changes('rules', 'update', named('rule', 'id')), async (req, res) => {
    res.json(await service.update(org(res), tokenOf(req), req.params.id, req.body, authorOf(res)));
  });
  router.get('/rules/:id/history', async (req, res) => {
    res.json(await service.history(org(res), req.params.id, parseOrThrow(Page, req.query, 'invalid query')));
  });
  router.delete('/rules/:id', changes('rules', 'delete', named('rule', 'id')), async (req, res) => {
    await service.remove(org(res), req.params.id);
    res.status(204).end();
  });
  router.get('/rules/:id/events', async (req, res) => {
    res.json(await service.events(org(res), req.params.id, parseOrThrow(Page, req.query, 'invalid query')));
  });
  router.get('/rules/:id/metrics', async (req, res) => {
    res.json(await service.metrics(org(res), tokenOf(req), req.params.id, req.query));
  });
  router.get('/rules/:id/forecast', async (req, res) => {
    res.json(await service.forecasts.forecast(tokenOf(req), await service.get(org(res), req.params.id), req.query));
  });
  router.post('/rules/:id/dry-run', noChange('a dry run decides without acting'), async (req, res) => {
    res.json(await service.dryRun(org(res), tokenOf(req), req.params.id));
  });
}

/** The wizard's pickers, read from vCD as the caller. */
function pickerRoutes(router: Router, service: AutoscaleService): void {
  const { pickers } = service;
  router.get('/catalog/vapps', async (req, res) => {
    res.json(await pickers.vApps(org(res), tokenOf(req)));
  });
  router.get('/catalog/templates', async (req, res) => {
    res.json(await pickers.templates(org(res), tokenOf(req)));
  });
  router.get('/catalog/edge-gateways', async (req, res) => {
    res.json(await pickers.edgeGateways(org(res), tokenOf(req)));
  });
  router.get('/catalog/edge-gateways/:id/pools', async (req, res) => {
    res.json(await pickers.pools(org(res), tokenOf(req), req.params.id));
  });
}

/** vROps's REST notification plugin POSTs an ACTIVE alert (expects 201) and PUTs its update or cancel (expects 202). */
function alertRoutes(router: Router, service: AutoscaleService): void {
  router.post('/alerts', noChange("vROps's alert: the rule's events record what it caused"), async (req, res) => {
    res.status(201).json(await service.receiveAlert(org(res), tokenOf(req), req.body));
  });
  router.put(['/alerts', '/alerts/:alertId'], noChange("vROps's alert update: the rule's events record what it caused"), async (req, res) => {
    res.status(202).json(await service.receiveAlert(org(res), tokenOf(req), req.body));
  });
}
