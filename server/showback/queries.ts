import type { Breakdown, BreakdownDimension, Daily, Monthly, Summary } from '../../contract/showback';
import { csvDocument } from '../http/csv';
import type { Queryable } from '../store/db';
import { backtestMape, forecastMonth, type Forecast } from './forecast';

/** Complete past months the forecast is back-tested on. */
const BACKTEST_MONTHS = 6;
import { FOCUS_SOURCE_ID } from './focus';

const DAY_MS = 86_400_000;
export const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const addMonths = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
const daysIn = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
/** The UTC midnight after a day, as a timestamptz parameter (no reliance on the session's time zone). */
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString();
const asDay = (v: unknown) => (v instanceof Date ? dayOf(v) : String(v).slice(0, 10));

/**
 * Month to date and the end-of-month forecast from daily totals (oldest first, up to today, reaching 28 days back):
 * the dashboard's summary and every budget's state use this one reckoning, so they agree.
 */
export function monthForecast(days: { day: string; total: number }[], now: Date): { monthToDate: number; forecast: Forecast } {
  const today = dayOf(now);
  const start = dayOf(monthStart(now));
  const inMonth = days.filter((d) => d.day >= start && d.day <= today);
  const complete = inMonth.filter((d) => d.day < today);
  const monthToDate = inMonth.reduce((a, d) => a + d.total, 0);
  const completeCost = complete.reduce((a, d) => a + d.total, 0);
  // History before the org's first cost is no evidence of a zero run rate.
  const past = days.filter((d) => d.day < today);
  const firstWithData = past.findIndex((d) => d.total !== 0);
  const history = firstWithData < 0 ? [] : past.slice(firstWithData).map((d) => d.total);
  const f = forecastMonth({ history, monthToDate: completeCost, daysElapsed: complete.length, daysInMonth: daysIn(now) });
  return { monthToDate, forecast: { ...f, value: Math.max(f.value, monthToDate), high: Math.max(f.high, monthToDate), low: Math.max(f.low, monthToDate) } };
}

/** The first day of the history monthForecast needs. */
export function forecastHistoryFrom(now: Date): string {
  return dayOf(new Date(Math.min(monthStart(now).getTime(), Date.parse(dayOf(now)) - 28 * DAY_MS)));
}

/**
 * Cost per vApp from..to: the monthly vApp rollup of the months the range touches, less the daily vApp rollup of their
 * days outside the range (none for whole months or the month to date), so a month reads one row per vApp instead of
 * one per vApp and day (migration 067). A vApp whose cost in the range nets to zero is left out.
 */
const VAPP_BREAKDOWN_SQL = `
SELECT vapp_id AS key, MAX(vapp_name) AS name, SUM(cost) AS cost FROM (
  SELECT vapp_id, vapp_name, cost FROM showback_monthly_vapp
   WHERE org = $1 AND currency = $2 AND month BETWEEN date_trunc('month', $3::date)::date AND date_trunc('month', $4::date)::date
  UNION ALL
  SELECT vapp_id, '', -cost FROM showback_daily_vapp
   WHERE org = $1 AND currency = $2 AND day >= date_trunc('month', $3::date)::date AND day < $3::date
  UNION ALL
  SELECT vapp_id, '', -cost FROM showback_daily_vapp
   WHERE org = $1 AND currency = $2 AND day > $4::date AND day < (date_trunc('month', $4::date) + interval '1 month')::date
) r
GROUP BY vapp_id HAVING SUM(cost) <> 0 ORDER BY cost DESC, key LIMIT $5`;

/** Read side of showback: every query filters by org and reads the rollups where it can. */
export class ShowbackQueries {
  constructor(
    private readonly db: Queryable,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The org's currency: that of its latest cost (EUR when it has none); costs in other currencies are left out. */
  async currency(org: string): Promise<string> {
    const { rows } = await this.db.query<{ currency: string }>(
      'SELECT currency FROM showback_monthly WHERE org = $1 ORDER BY month DESC, cost DESC LIMIT 1',
      [org],
    );
    return rows[0]?.currency ?? 'EUR';
  }

  /** Daily totals from..to inclusive, zero-filled, with per-service costs. */
  async daily(org: string, range: { from?: string; to?: string } = {}): Promise<Daily> {
    const now = this.now();
    const from = range.from ?? dayOf(monthStart(now));
    const to = range.to ?? dayOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), daysIn(now))));
    const currency = await this.currency(org);
    const { rows } = await this.db.query<{ day: unknown; service: string; cost: string }>(
      `SELECT day::text AS day, service, SUM(cost) AS cost FROM showback_daily
        WHERE org = $1 AND currency = $2 AND day BETWEEN $3::date AND $4::date GROUP BY day, service`,
      [org, currency, from, to],
    );
    const byDay = new Map<string, { total: number; byService: Record<string, number> }>();
    for (let t = Date.parse(from); t <= Date.parse(to); t += DAY_MS) byDay.set(dayOf(new Date(t)), { total: 0, byService: {} });
    for (const r of rows) {
      const d = byDay.get(asDay(r.day));
      if (!d) continue;
      d.total += Number(r.cost);
      d.byService[r.service] = (d.byService[r.service] ?? 0) + Number(r.cost);
    }
    return { currency, from, to, items: [...byDay.entries()].map(([day, v]) => ({ day, ...v })) };
  }

  async monthly(org: string, months: number): Promise<Monthly> {
    const first = addMonths(this.now(), -(months - 1));
    const currency = await this.currency(org);
    const { rows } = await this.db.query<{ month: unknown; service: string; cost: string }>(
      `SELECT month::text AS month, service, SUM(cost) AS cost FROM showback_monthly
        WHERE org = $1 AND currency = $2 AND month >= $3::date GROUP BY month, service`,
      [org, currency, dayOf(first)],
    );
    const items = Array.from({ length: months }, (_, i) => ({ month: dayOf(addMonths(first, i)).slice(0, 7), total: 0, byService: {} as Record<string, number> }));
    for (const r of rows) {
      const item = items.find((m) => m.month === asDay(r.month).slice(0, 7));
      if (!item) continue;
      item.total += Number(r.cost);
      item.byService[r.service] = (item.byService[r.service] ?? 0) + Number(r.cost);
    }
    return { currency, items };
  }

  /** The forecast's back-test on the org's complete months before this one (forecast.ts backtestMape). */
  async forecastAccuracy(org: string, now: Date): Promise<Summary['forecast']['accuracy']> {
    const start = monthStart(now);
    const from = dayOf(new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - BACKTEST_MONTHS, 1) - 28 * DAY_MS));
    const past = await this.daily(org, { from, to: dayOf(new Date(start.getTime() - DAY_MS)) });
    const firstCost = past.items.findIndex((d) => d.total > 0);
    if (firstCost < 0) return null;
    const days = past.items.slice(firstCost).map((d) => ({ day: d.day, cost: d.total }));
    const [d10, d20] = [backtestMape(days, 10), backtestMape(days, 20)];
    if (!d10.months) return null;
    const pct = (n: number) => Math.round(n * 10) / 10;
    return { months: d10.months, mapeDay10Pct: pct(d10.mapePct), mapeDay20Pct: pct(d20.mapePct) };
  }

  async summary(org: string): Promise<Summary> {
    const now = this.now();
    const today = dayOf(now);
    const start = monthStart(now);
    const daysInMonth = daysIn(now);
    const currency = await this.currency(org);
    const daily = await this.daily(org, { from: forecastHistoryFrom(now), to: today });
    const { monthToDate, forecast } = monthForecast(daily.items, now);
    const accuracy = await this.forecastAccuracy(org, now);
    const { rows: last } = await this.db.query<{ cost: string | null }>(
      'SELECT SUM(cost) AS cost FROM showback_monthly WHERE org = $1 AND currency = $2 AND month = $3::date',
      [org, currency, dayOf(addMonths(now, -1))],
    );
    const lastMonth = Number(last[0]?.cost ?? 0);
    const { rows: stale } = await this.db.query<{ id: string; name: string; stale_since: Date | string; stale_error: string | null }>(
      'SELECT id, name, stale_since, stale_error FROM showback_sources WHERE org = $1 AND stale_since IS NOT NULL ORDER BY stale_since',
      [org],
    );
    const { rows: asOf } = await this.db.query<{ day: unknown }>('SELECT MAX(day)::text AS day FROM showback_daily WHERE org = $1', [org]);
    const lastDay = asOf[0]?.day;
    return {
      org,
      currency,
      month: dayOf(start).slice(0, 7),
      dayOfMonth: now.getUTCDate(),
      daysInMonth,
      monthToDate,
      forecast: { ...forecast, accuracy },
      lastMonth,
      changePct: lastMonth ? Math.round(((forecast.value - lastMonth) / lastMonth) * 1000) / 10 : null,
      stale: stale.length
        ? {
            since: new Date(stale[0].stale_since).toISOString(),
            sources: stale.map((s) => ({ id: s.id, name: s.name, error: s.stale_error ?? 'failed' })),
          }
        : null,
      dataAsOf: lastDay ? new Date(Date.parse(asDay(lastDay)) + DAY_MS).toISOString() : null,
      lastDataDay: lastDay ? asDay(lastDay) : null,
    };
  }

  async breakdown(org: string, q: { by: BreakdownDimension; top: number; from?: string; to?: string }): Promise<Breakdown> {
    const now = this.now();
    const from = q.from ?? dayOf(monthStart(now));
    const to = q.to ?? dayOf(now);
    const currency = await this.currency(org);
    const { rows: totalRows } = await this.db.query<{ cost: string | null }>(
      'SELECT SUM(cost) AS cost FROM showback_daily WHERE org = $1 AND currency = $2 AND day BETWEEN $3::date AND $4::date',
      [org, currency, from, to],
    );
    const total = Number(totalRows[0]?.cost ?? 0);
    let rows: { key: string; name: string; cost: string }[];
    if (q.by === 'service' || q.by === 'source') {
      const col = q.by === 'service' ? 'service' : 'source_id';
      ({ rows } = await this.db.query(
        `SELECT d.${col} AS key, COALESCE(MAX(s.name), d.${col}) AS name, SUM(d.cost) AS cost
           FROM showback_daily d LEFT JOIN showback_sources s ON s.org = d.org AND s.id = d.source_id AND '${col}' = 'source_id'
          WHERE d.org = $1 AND d.currency = $2 AND d.day BETWEEN $3::date AND $4::date
          GROUP BY d.${col} ORDER BY cost DESC, key LIMIT $5`,
        [org, currency, from, to, q.top],
      ));
      if (q.by === 'source') for (const r of rows) if (r.key === FOCUS_SOURCE_ID) r.name = 'FOCUS imports';
    } else if (q.by === 'vapp') {
      ({ rows } = await this.db.query(VAPP_BREAKDOWN_SQL, [org, currency, from, to, q.top]));
    } else {
      const [keyCol, nameCol, filter] = {
        vm: ['resource_id', 'resource_name', "resource_kind = 'vm'"],
        function: ['resource_id', 'resource_name', "resource_kind = 'function'"],
      }[q.by];
      ({ rows } = await this.db.query(
        `SELECT ${keyCol} AS key, MAX(${nameCol}) AS name, SUM(cost) AS cost FROM showback_costs
          WHERE org = $1 AND currency = $2 AND period_start >= $3 AND period_start < $4 AND ${filter}
          GROUP BY ${keyCol} ORDER BY cost DESC, key LIMIT $5`,
        [org, currency, `${from}T00:00:00Z`, nextDay(to), q.top],
      ));
    }
    const items = rows.map((r) => ({
      key: r.key,
      name: r.name || r.key,
      cost: Number(r.cost),
      sharePct: total ? Math.round((Number(r.cost) / total) * 1000) / 10 : 0,
    }));
    return { currency, by: q.by, from, to, total, items, other: total - items.reduce((a, i) => a + i.cost, 0) };
  }

  /** Stored cost records in FOCUS-like columns, oldest first. */
  async exportCsv(org: string, range: { from?: string; to?: string }): Promise<string> {
    const now = this.now();
    const from = range.from ?? dayOf(monthStart(now));
    const to = range.to ?? dayOf(now);
    const { rows } = await this.db.query<Record<string, unknown>>(
      `SELECT period_start, period_end, service, resource_id, resource_name, resource_kind, vapp_name, source_id, quantity, unit, cost, currency
         FROM showback_costs WHERE org = $1 AND period_start >= $2 AND period_start < $3
        ORDER BY period_start, source_id, natural_key`,
      [org, `${from}T00:00:00Z`, nextDay(to)],
    );
    const header = ['ChargePeriodStart', 'ChargePeriodEnd', 'ServiceName', 'ResourceId', 'ResourceName', 'ResourceType', 'VAppName', 'SourceId', 'ConsumedQuantity', 'ConsumedUnit', 'BilledCost', 'BillingCurrency'];
    // Names come from tenants' FOCUS imports and billing sources: csvDocument keeps their formulas from running.
    return csvDocument(
      header,
      rows.map((r) => [r.period_start, r.period_end, r.service, r.resource_id, r.resource_name, r.resource_kind, r.vapp_name, r.source_id, r.quantity, r.unit, (Number(r.cost) / 100).toFixed(2), r.currency]),
    );
  }

  /** Orgs with costs this or last month (the provider view). */
  async orgs(): Promise<string[]> {
    const { rows } = await this.db.query<{ org: string }>(
      'SELECT DISTINCT org FROM showback_monthly WHERE month >= $1::date ORDER BY org',
      [dayOf(addMonths(this.now(), -1))],
    );
    return rows.map((r) => r.org);
  }
}
