import { Router, type Response } from 'express';
import { AlertsQuerySchema } from '../../contract/showback-budgets';
import { parseOrThrow } from '../errors';
import { principal } from '../http/auth';
import { changes, named, noChange } from '../http/changes';
import type { Budgets } from './budgets';

const org = (res: Response): string => res.locals.org as string;
const caller = (res: Response) => ({ isProvider: principal(res).isProvider });

/** Budgets, the check, alerts with their deliveries and the webhook secret: mounted into showbackRoutes. */
export function budgetRoutes(router: Router, budgets: Budgets): void {
  router.get('/budgets', async (_req, res) => {
    res.json(await budgets.list(org(res), caller(res)));
  });
  router.post('/budgets', changes('budgets', 'create', named('budget')), async (req, res) => {
    const budget = await budgets.create(org(res), req.body, caller(res));
    res.status(201).location(`${req.baseUrl}/budgets/${budget.id}`).json(budget);
  });
  // Before /budgets/:id, so "check" is not taken for an id.
  router.post('/budgets/check', noChange('checks the thresholds now; an alert it raises is recorded as an alert'), async (_req, res) => {
    res.json(await budgets.check(org(res)));
  });
  router.get('/budgets/:id', async (req, res) => {
    res.json(await budgets.get(org(res), String(req.params.id), caller(res)));
  });
  router.put('/budgets/:id', changes('budgets', 'update', named('budget', 'id')), async (req, res) => {
    res.json(await budgets.update(org(res), String(req.params.id), req.body, caller(res)));
  });
  router.delete('/budgets/:id', changes('budgets', 'delete', named('budget', 'id')), async (req, res) => {
    await budgets.delete(org(res), String(req.params.id), caller(res));
    res.status(204).end();
  });
  router.get('/alerts', async (req, res) => {
    const q = parseOrThrow(AlertsQuerySchema, req.query, 'invalid query');
    res.json(await budgets.alerts(org(res), q.limit));
  });
  router.get('/alerts/:id', async (req, res) => {
    res.json(await budgets.alert(org(res), String(req.params.id)));
  });
  router.post('/webhook-secret', changes('budgets', 'update', 'budget webhook secret'), async (_req, res) => {
    res.status(201).json(await budgets.rotateSecret(org(res)));
  });
}
