import { Router, type Response } from 'express';
import { BreakdownQuerySchema, DailyQuerySchema, FOCUS_EXPORT_VERSION, MonthlyQuerySchema } from '../../contract/showback';
import { focusCsv, focusJson } from './focus-export';
import { Forbidden, Invalid, parseOrThrow } from '../errors';
import { principal } from '../http/auth';
import { changes, named, noChange } from '../http/changes';
import { anomalyRoutes } from './anomaly-routes';
import type { CostAnomalies } from './anomaly-check';
import { budgetRoutes } from './budget-routes';
import type { Budgets } from './budgets';
import type { Collector } from './collector';
import type { ShowbackService } from './service';
import { z } from 'zod';

export interface ShowbackDeps {
  /** Reads, imports and the rate card. */
  service: ShowbackService;
  /** Billing sources and their runs. */
  collector: Collector;
  /** Budgets, alerts and their webhook. */
  budgets: Budgets;
  /** Cost anomalies and where their alerts go. */
  anomalies: CostAnomalies;
}

const org = (res: Response): string => res.locals.org as string;
const RangeQuery = z.object({ from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a UTC date YYYY-MM-DD').optional(), to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a UTC date YYYY-MM-DD').optional() }).strict();

function checkRange(q: { from?: string; to?: string }): void {
  for (const k of ['from', 'to'] as const) {
    const v = q[k];
    if (v && Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new Invalid(`${k} is not a date`, [{ path: k, message: 'is not a valid date' }]);
  }
  if (q.from && q.to && q.to < q.from) throw new Invalid('to is before from', [{ path: 'to', message: 'must not be before from' }]);
  if (q.from && q.to && Date.parse(q.to) - Date.parse(q.from) > 800 * 86_400_000) {
    throw new Invalid('the range is longer than 800 days', [{ path: 'from', message: 'at most 800 days before to' }]);
  }
}

const providerOnly = (res: Response) => {
  if (!principal(res).isProvider) throw new Forbidden('only the provider may do this');
};

/** /api/org/{org}/showback/... (mounted after auth and tenancy). */
export function showbackRoutes(deps: ShowbackDeps): Router {
  const router = Router({ mergeParams: true });
  readRoutes(router, deps.service);
  sourceRoutes(router, deps.collector);
  importAndRateCardRoutes(router, deps.service);
  budgetRoutes(router, deps.budgets);
  anomalyRoutes(router, deps.anomalies);
  return router;
}

/** The dashboard's reads and the CSV export. */
function readRoutes(router: Router, service: ShowbackService): void {
  router.get('/summary', async (_req, res) => {
    res.json(await service.summary(org(res)));
  });
  router.get('/monthly', async (req, res) => {
    const q = parseOrThrow(MonthlyQuerySchema, req.query, 'invalid query');
    res.json(await service.monthly(org(res), q.months));
  });
  router.get('/daily', async (req, res) => {
    const q = parseOrThrow(DailyQuerySchema, req.query, 'invalid query');
    checkRange(q);
    res.json(await service.daily(org(res), q));
  });
  router.get('/breakdown', async (req, res) => {
    const q = parseOrThrow(BreakdownQuerySchema, req.query, 'invalid query');
    checkRange(q);
    res.json(await service.breakdown(org(res), q));
  });
  router.get('/export.csv', async (req, res) => {
    const q = parseOrThrow(RangeQuery, req.query, 'invalid query');
    checkRange(q);
    res
      .type('text/csv; charset=utf-8')
      .attachment(`showback-${org(res)}-${q.from ?? 'month'}-${q.to ?? 'today'}.csv`)
      .send(await service.exportCsv(org(res), q));
  });
  router.get('/export.focus.csv', async (req, res) => {
    const q = parseOrThrow(RangeQuery, req.query, 'invalid query');
    checkRange(q);
    const focus = await service.exportFocus(org(res), q);
    res
      .type('text/csv; charset=utf-8')
      .attachment(`focus-${FOCUS_EXPORT_VERSION}-${org(res)}-${focus.from}-${focus.to}.csv`)
      .send(focusCsv(focus.rows));
  });
  router.get('/export.focus.json', async (req, res) => {
    const q = parseOrThrow(RangeQuery, req.query, 'invalid query');
    checkRange(q);
    res.json(focusJson((await service.exportFocus(org(res), q)).rows));
  });
}

/** Billing sources: config, run now or backfill, test, the run journal. */
function sourceRoutes(router: Router, collector: Collector): void {
  router.get('/sources', async (_req, res) => {
    res.json(await collector.list(org(res)));
  });
  router.post('/sources', changes('sources', 'create', named('source')), async (req, res) => {
    const source = await collector.create(org(res), req.body);
    res.status(201).location(`${req.baseUrl}/sources/${source.id}`).json(source);
  });
  router.get('/sources/:id', async (req, res) => {
    res.json(await collector.get(org(res), String(req.params.id)));
  });
  router.put('/sources/:id', changes('sources', 'update', named('source', 'id')), async (req, res) => {
    res.json(await collector.update(org(res), String(req.params.id), req.body));
  });
  router.delete('/sources/:id', changes('sources', 'delete', named('source', 'id')), async (req, res) => {
    await collector.delete(org(res), String(req.params.id));
    res.status(204).end();
  });
  router.post('/sources/:id/run', changes('sources', 'run', named('source', 'id')), async (req, res) => {
    res.json(await collector.runNow(org(res), String(req.params.id), req.body ?? {}));
  });
  router.post('/sources/:id/test', noChange('a test of the connection: nothing is stored'), async (req, res) => {
    res.json(await collector.test(org(res), String(req.params.id)));
  });
  router.get('/sources/:id/runs', async (req, res) => {
    res.json(await collector.runs(org(res), String(req.params.id)));
  });
}

/** FOCUS imports, the rate card (the provider edits it) and the provider's view of every org. */
function importAndRateCardRoutes(router: Router, service: ShowbackService): void {
  router.post('/imports', changes('imports', 'create', 'FOCUS import'), async (req, res) => {
    const type = req.get('content-type') ?? '';
    const format = /json/i.test(type) ? 'json' : /csv|text\/plain/i.test(type) ? 'csv' : null;
    if (!format) throw new Invalid('send a FOCUS file as text/csv or application/json', [{ path: 'Content-Type', message: 'must be text/csv or application/json' }]);
    if (format === 'csv' && typeof req.body !== 'string') throw new Invalid('the CSV body is empty', [{ path: '(body)', message: 'is empty' }]);
    res.status(201).json(await service.import(org(res), req.body, format));
  });

  router.get('/ratecard', async (_req, res) => {
    res.json(await service.rateCardView(org(res), principal(res).isProvider));
  });
  router.put('/ratecard', changes('ratecard', 'update', 'rate card'), async (req, res) => {
    providerOnly(res);
    res.json(await service.putRateCard(req.body));
  });
  router.get('/provider/orgs', async (_req, res) => {
    providerOnly(res);
    res.json(await service.providerOrgs());
  });
}
