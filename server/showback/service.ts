import { randomUUID } from 'node:crypto';
import type { Breakdown, BreakdownDimension, Daily, ImportResult, Monthly, ProviderOrgs, RateCard, RateCardView, Summary } from '../../contract/showback';
import type { Db } from '../store/db';
import type { OrgReadCache } from '../store/read-cache';
import { parseFocus } from './focus';
import { focusRows, type FocusRow } from './focus-export';
import type { ShowbackQueries } from './queries';
import { ratesFor, type RateCardStore } from './ratecard';
import { writeCosts } from './store';

export interface ShowbackServiceDeps {
  db: Db;
  queries: ShowbackQueries;
  rateCard: RateCardStore;
  /** The org's kept summary until a write of its costs or sources (off: every read asks the store). */
  cache?: OrgReadCache;
}

type DayRange = { from?: string; to?: string };

/**
 * Showback's reads, FOCUS imports and the rate card, between the routes and the store (the routes hold no SQL);
 * billing sources and their runs are the Collector's.
 */
export class ShowbackService {
  constructor(private readonly deps: ShowbackServiceDeps) {}

  /** Kept per org and UTC day (the month to date and forecast move with the day). */
  summary(org: string): Promise<Summary> {
    const read = () => this.deps.queries.summary(org);
    return this.deps.cache ? this.deps.cache.read(org, `summary:${new Date().toISOString().slice(0, 10)}`, read) : read();
  }

  monthly(org: string, months: number): Promise<Monthly> {
    return this.deps.queries.monthly(org, months);
  }

  daily(org: string, range: DayRange): Promise<Daily> {
    return this.deps.queries.daily(org, range);
  }

  breakdown(org: string, q: { by: BreakdownDimension; top: number } & DayRange): Promise<Breakdown> {
    return this.deps.queries.breakdown(org, q);
  }

  exportCsv(org: string, range: DayRange): Promise<string> {
    return this.deps.queries.exportCsv(org, range);
  }

  /** FOCUS 1.2 rows of the range (default: this month to today), as the export routes write them. */
  async exportFocus(org: string, range: DayRange): Promise<{ from: string; to: string; rows: FocusRow[] }> {
    const now = new Date();
    const from = range.from ?? `${now.toISOString().slice(0, 7)}-01`;
    const to = range.to ?? now.toISOString().slice(0, 10);
    return { from, to, rows: await focusRows(this.deps.db, org, { from, to }) };
  }

  /** Stores a FOCUS file's records (idempotent by natural key) and says what it held. */
  async import(org: string, body: unknown, format: 'csv' | 'json'): Promise<ImportResult> {
    const records = parseFocus(org, body, format);
    const write = () => writeCosts(this.deps.db, records);
    const written = await (this.deps.cache ? this.deps.cache.write(org, write) : write());
    const times = records.flatMap((r) => [r.periodStart.getTime(), r.periodEnd.getTime()]);
    return {
      id: randomUUID(),
      format,
      rows: records.length,
      written,
      total: records.reduce((a, r) => a + r.cost, 0),
      currency: records[0].currency,
      from: new Date(times.reduce((a, b) => Math.min(a, b))).toISOString(),
      to: new Date(times.reduce((a, b) => Math.max(a, b))).toISOString(),
    };
  }

  /** The provider sees (and may edit) the whole card; a tenant only its org's effective rates. */
  async rateCardView(org: string, isProvider: boolean): Promise<RateCardView> {
    const card = await this.deps.rateCard.get();
    return isProvider ? { ...card, editable: true } : { currency: card.currency, rates: ratesFor(card, org), overrides: {}, editable: false };
  }

  putRateCard(body: unknown): Promise<RateCard> {
    return this.deps.rateCard.put(body);
  }

  /** Every org with costs this or last month: month to date, forecast, last month, stale (the provider view). */
  async providerOrgs(): Promise<ProviderOrgs> {
    const { queries } = this.deps;
    const orgs = await queries.orgs();
    const items = await Promise.all(
      orgs.map(async (o) => {
        const s = await queries.summary(o);
        return { org: o, monthToDate: s.monthToDate, forecast: s.forecast.value, lastMonth: s.lastMonth, stale: s.stale !== null, currency: s.currency };
      }),
    );
    return {
      currency: items[0]?.currency ?? 'EUR',
      month: new Date().toISOString().slice(0, 7),
      items: items.map(({ currency: _c, ...i }) => i),
    };
  }
}
