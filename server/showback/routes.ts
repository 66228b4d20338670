import { randomUUID } from 'node:crypto';
import { Router, type Response } from 'express';
import { BreakdownQuerySchema, DailyQuerySchema, MonthlyQuerySchema, type ImportResult, type ProviderOrgs, type RateCardView } from '../../contract/showback';
import { Forbidden, Invalid, parseOrThrow } from '../errors';
import { principal } from '../http/auth';
import type { Collector } from './collector';
import { parseFocus } from './focus';
import type { ShowbackQueries } from './queries';
import { ratesFor, type RateCardStore } from './ratecard';
import { writeCosts } from './store';
import type { Db } from '../store/db';
import { z } from 'zod';

export interface ShowbackDeps {
  db: Db;
  queries: ShowbackQueries;
  collector: Collector;
  rateCard: RateCardStore;
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
  const { queries, collector } = deps;
  const router = Router({ mergeParams: true });

  router.get('/summary', async (_req, res) => {
    res.json(await queries.summary(org(res)));
  });
  router.get('/monthly', async (req, res) => {
    const q = parseOrThrow(MonthlyQuerySchema, req.query, 'invalid query');
    res.json(await queries.monthly(org(res), q.months));
  });
  router.get('/daily', async (req, res) => {
    const q = parseOrThrow(DailyQuerySchema, req.query, 'invalid query');
    checkRange(q);
    res.json(await queries.daily(org(res), q));
  });
  router.get('/breakdown', async (req, res) => {
    const q = parseOrThrow(BreakdownQuerySchema, req.query, 'invalid query');
    checkRange(q);
    res.json(await queries.breakdown(org(res), q));
  });
  router.get('/export.csv', async (req, res) => {
    const q = parseOrThrow(RangeQuery, req.query, 'invalid query');
    checkRange(q);
    res
      .type('text/csv; charset=utf-8')
      .attachment(`showback-${org(res)}-${q.from ?? 'month'}-${q.to ?? 'today'}.csv`)
      .send(await queries.exportCsv(org(res), q));
  });

  router.get('/sources', async (_req, res) => {
    res.json(await collector.list(org(res)));
  });
  router.post('/sources', async (req, res) => {
    const source = await collector.create(org(res), req.body);
    res.status(201).location(`${req.baseUrl}/sources/${source.id}`).json(source);
  });
  router.get('/sources/:id', async (req, res) => {
    res.json(await collector.get(org(res), String(req.params.id)));
  });
  router.put('/sources/:id', async (req, res) => {
    res.json(await collector.update(org(res), String(req.params.id), req.body));
  });
  router.delete('/sources/:id', async (req, res) => {
    await collector.delete(org(res), String(req.params.id));
    res.status(204).end();
  });
  router.post('/sources/:id/run', async (req, res) => {
    res.json(await collector.runNow(org(res), String(req.params.id), req.body ?? {}));
  });
  router.post('/sources/:id/test', async (req, res) => {
    res.json(await collector.test(org(res), String(req.params.id)));
  });
  router.get('/sources/:id/runs', async (req, res) => {
    res.json(await collector.runs(org(res), String(req.params.id)));
  });

  router.post('/imports', async (req, res) => {
    const type = req.get('content-type') ?? '';
    const format = /json/i.test(type) ? 'json' : /csv|text\/plain/i.test(type) ? 'csv' : null;
    if (!format) throw new Invalid('send a FOCUS file as text/csv or application/json', [{ path: 'Content-Type', message: 'must be text/csv or application/json' }]);
    if (format === 'csv' && typeof req.body !== 'string') throw new Invalid('the CSV body is empty', [{ path: '(body)', message: 'is empty' }]);
    const records = parseFocus(org(res), req.body, format);
    const written = await writeCosts(deps.db, records);
    const times = records.flatMap((r) => [r.periodStart.getTime(), r.periodEnd.getTime()]);
    const result: ImportResult = {
      id: randomUUID(),
      format,
      rows: records.length,
      written,
      total: records.reduce((a, r) => a + r.cost, 0),
      currency: records[0].currency,
      from: new Date(times.reduce((a, b) => Math.min(a, b))).toISOString(),
      to: new Date(times.reduce((a, b) => Math.max(a, b))).toISOString(),
    };
    res.status(201).json(result);
  });

  router.get('/ratecard', async (_req, res) => {
    const card = await deps.rateCard.get();
    const view: RateCardView = principal(res).isProvider
      ? { ...card, editable: true }
      : { currency: card.currency, rates: ratesFor(card, org(res)), overrides: {}, editable: false };
    res.json(view);
  });
  router.put('/ratecard', async (req, res) => {
    providerOnly(res);
    res.json(await deps.rateCard.put(req.body));
  });
  router.get('/provider/orgs', async (_req, res) => {
    providerOnly(res);
    const orgs = await queries.orgs();
    const items = await Promise.all(
      orgs.map(async (o) => {
        const s = await queries.summary(o);
        return { org: o, monthToDate: s.monthToDate, forecast: s.forecast.value, lastMonth: s.lastMonth, stale: s.stale !== null, currency: s.currency };
      }),
    );
    const body: ProviderOrgs = {
      currency: items[0]?.currency ?? 'EUR',
      month: new Date().toISOString().slice(0, 7),
      items: items.map(({ currency: _c, ...i }) => i),
    };
    res.json(body);
  });

  return router;
}
