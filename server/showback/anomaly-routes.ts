import { Router, type Response } from 'express';
import { AnomaliesQuerySchema } from '../../contract/showback-anomalies';
import { parseOrThrow } from '../errors';
import { changes, noChange } from '../http/changes';
import type { CostAnomalies } from './anomaly-check';

const org = (res: Response): string => res.locals.org as string;

/** Cost anomalies, the check and where their alerts go: mounted into showbackRoutes. */
export function anomalyRoutes(router: Router, anomalies: CostAnomalies): void {
  router.get('/anomalies', async (req, res) => {
    const q = parseOrThrow(AnomaliesQuerySchema, req.query, 'invalid query');
    res.json(await anomalies.list(org(res), q));
  });
  router.post('/anomalies/check', noChange('judges the days now; an anomaly it finds is stored and raised as an alert'), async (_req, res) => {
    res.json(await anomalies.check(org(res)));
  });
  router.get('/anomalies/settings', async (_req, res) => {
    res.json(await anomalies.settings(org(res)));
  });
  router.put('/anomalies/settings', changes('budgets', 'update', 'anomaly alert settings'), async (req, res) => {
    res.json(await anomalies.putSettings(org(res), req.body));
  });
}
