import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AnomalySettingsSchema, COST_ANOMALY_EVENT, type Anomalies, type AnomaliesQuery, type Anomaly, type AnomalyCheckResult, type AnomalySettings } from '../../contract/showback-anomalies';
import { Invalid, parseOrThrow } from '../errors';
import { comparableDays, detectAnomalies, driver, historyFrom, type AnomalyOptions, type Anomaly as Found } from './anomalies';
import type { AnomalyStore, FoundAnomaly } from './anomaly-store';
import { checkAlertFunction, checkWebhookHost } from './alert-targets';
import type { AlertFunctions } from './ports';
import { dayOf } from './queries';

const DAY_MS = 86_400_000;

export interface CostAnomaliesOptions {
  store: AnomalyStore;
  /** The org's currency (that of its latest cost): anomalies are judged in it. */
  currencyOf: (org: string) => Promise<string>;
  /** The budget alerts' outboxes: an anomaly's alert goes out through them. */
  delivery: { kick(): void };
  functionRuns: { kick(): void };
  /** Checks the settings' function against the org's functions. */
  functions: Pick<AlertFunctions, 'check'>;
  /** Hosts the settings' webhook may name (SHOWBACK_WEBHOOK_ALLOWED_HOSTS). */
  webhookHosts: string[];
  /** The org's webhook secret, made when it has none (returned only then: shown once). */
  ensureSecret: (org: string) => Promise<string | undefined>;
  log: Logger;
  now?: () => Date;
  /** Days a check judges, up to yesterday (default 90: the dashboard's longest preset). */
  judgeDays?: number;
  detection?: AnomalyOptions;
}

/**
 * The daily anomaly check: judges each of the org's services on the days up to yesterday against the org's own
 * history (anomalies.ts), stores each anomaly once per org, day and service (the store's unique key decides across
 * replicas and restarts) with the vApp that drove it, and raises an alert for it through the budget alerts'
 * outboxes (the org's anomaly webhook, its functions subscribed to showback/cost.anomaly).
 */
export class CostAnomalies {
  constructor(private readonly options: CostAnomaliesOptions) {}

  /** The days a check judges: the last `judgeDays` complete days that have data. */
  private async window(org: string, currency: string): Promise<{ from: string; to: string } | null> {
    const now = this.options.now?.() ?? new Date();
    const yesterday = dayOf(new Date(now.getTime() - DAY_MS));
    const from = dayOf(new Date(now.getTime() - (this.options.judgeDays ?? 90) * DAY_MS));
    // A day the org has no cost at all has not been collected yet: not a drop to zero.
    const days = await this.options.store.dailyByService(org, currency, from, yesterday);
    const last = days.reduce((max, d) => (d.day > max ? d.day : max), '');
    return last ? { from, to: last } : null;
  }

  async check(org: string): Promise<AnomalyCheckResult> {
    const { store } = this.options;
    const currency = await this.options.currencyOf(org);
    const range = await this.window(org, currency);
    if (!range) {
      const today = dayOf(this.options.now?.() ?? new Date());
      return { from: today, to: today, anomalies: [] };
    }
    const rows = await store.dailyByService(org, currency, historyFrom(range.from, this.options.detection), range.to);
    const known = await store.storedKeys(org, range.from, range.to);
    const stored: Anomaly[] = [];
    for (const a of detectAnomalies(rows, range.from, range.to, this.options.detection)) {
      if (known.has(`${a.day}|${a.service}`)) continue;
      const row = await store.insert(randomUUID(), await this.withDriver(org, currency, a));
      if (row) stored.push(row);
    }
    const alerted = await this.raise(org, range);
    return { ...range, anomalies: stored.map((a) => ({ ...a, alertId: alerted.get(a.id) ?? a.alertId })) };
  }

  /** An alert for each anomaly that has none (those stored now, and any a replica that stopped left without one). */
  private async raise(org: string, range: { from: string; to: string }): Promise<Map<string, string>> {
    const { store } = this.options;
    const pending = await store.withoutAlert(org, range.from, range.to);
    const alerted = new Map<string, string>();
    if (!pending.length) return alerted;
    const target = await store.settings(org);
    for (const a of pending) {
      const row = await store.recordAlert(randomUUID(), a, target);
      if (row) alerted.set(a.id, row.id);
    }
    if (alerted.size) {
      if (target.webhook_url) this.options.delivery.kick();
      this.options.functionRuns.kick();
    }
    return alerted;
  }

  /** The vApp with the largest share of the excess, from the service's cost per vApp on the comparable days. */
  private async withDriver(org: string, currency: string, a: Found): Promise<FoundAnomaly> {
    const windowDays = this.options.detection?.windowDays ?? 28;
    const costs = await this.options.store.vappDays(org, a.service, currency, historyFrom(a.day, this.options.detection), a.day);
    const byDay = new Map<string, Record<string, number>>();
    const names = new Map<string, string>();
    for (const c of costs) {
      byDay.set(c.day, { ...byDay.get(c.day), [c.vappId]: (byDay.get(c.day)?.[c.vappId] ?? 0) + c.cost });
      if (c.vappName) names.set(c.vappId, c.vappName);
    }
    const past = comparableDays(a.day, windowDays).filter((d) => byDay.has(d)).map((d) => ({ byVapp: byDay.get(d) }));
    const drove = driver(a.delta, { byVapp: byDay.get(a.day) }, past);
    return { ...a, org, currency, vappId: drove?.id ?? null, vappDelta: drove?.delta ?? null, vappName: drove ? (names.get(drove.id) ?? null) : null };
  }

  /** The scheduled check: every org with cost in the judged days. */
  async checkAll(): Promise<void> {
    const now = this.options.now?.() ?? new Date();
    for (const org of await this.options.store.orgs(dayOf(new Date(now.getTime() - (this.options.judgeDays ?? 90) * DAY_MS)))) {
      await this.check(org).catch((err: Error) => this.options.log.warn({ org, err: err.message }, 'showback anomaly check failed'));
    }
  }

  /** The stored anomalies of a month, or of from..to (default: the current month). */
  async list(org: string, q: AnomaliesQuery): Promise<Anomalies> {
    const { from, to } = rangeOf(q, this.options.now?.() ?? new Date());
    const items = await this.options.store.list(org, from, to);
    return { from, to, items, total: items.length };
  }

  async settings(org: string): Promise<AnomalySettings> {
    const s = await this.options.store.settings(org);
    return { webhookUrl: s.webhook_url, function: s.function_name };
  }

  /** Where the org's anomaly alerts go; a webhook gets the org's signing secret (shown once, when it is made). */
  async putSettings(org: string, body: unknown): Promise<AnomalySettings> {
    const s = parseOrThrow(AnomalySettingsSchema, body, 'invalid anomaly settings');
    if (s.webhookUrl) checkWebhookHost(s.webhookUrl, this.options.webhookHosts);
    if (s.function) await checkAlertFunction(this.options.functions, org, s.function, COST_ANOMALY_EVENT);
    await this.options.store.putSettings(org, { webhook_url: s.webhookUrl, function_name: s.function });
    const webhookSecret = s.webhookUrl ? await this.options.ensureSecret(org) : undefined;
    return { ...s, ...(webhookSecret ? { webhookSecret } : {}) };
  }
}

/** month, or from/to (inclusive, at most 800 days), default the current month; 400 naming the field otherwise. */
export function rangeOf(q: AnomaliesQuery, now: Date): { from: string; to: string } {
  if (q.month && (q.from || q.to)) throw new Invalid('month or from/to, not both', [{ path: 'month', message: 'not together with from/to' }]);
  const month = q.month ?? (q.from || q.to ? undefined : dayOf(now).slice(0, 7));
  if (month) {
    const [y, m] = month.split('-').map(Number);
    if (m < 1 || m > 12) throw new Invalid('month is not a month', [{ path: 'month', message: 'must be a UTC month YYYY-MM' }]);
    return { from: `${month}-01`, to: dayOf(new Date(Date.UTC(y, m, 0))) };
  }
  const from = q.from ?? dayOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)));
  const to = q.to ?? dayOf(now);
  for (const [k, v] of [['from', from], ['to', to]] as const) {
    if (Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || dayOf(new Date(`${v}T00:00:00Z`)) !== v) throw new Invalid(`${k} is not a date`, [{ path: k, message: 'is not a valid date' }]);
  }
  if (to < from) throw new Invalid('to is before from', [{ path: 'to', message: 'must not be before from' }]);
  if (Date.parse(to) - Date.parse(from) > 800 * DAY_MS) throw new Invalid('the range is longer than 800 days', [{ path: 'from', message: 'at most 800 days before to' }]);
  return { from, to };
}
