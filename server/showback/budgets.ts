import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { KNOWN_SERVICES } from '../../contract/showback';
import {
  CreateBudgetSchema,
  UpdateBudgetSchema,
  type Alert,
  type AlertDetail,
  type Budget,
  type BudgetCheckResult,
  type BudgetState,
  BUDGET_THRESHOLD_EVENT,
  type WebhookSecret,
} from '../../contract/showback-budgets';
import { Conflict, Forbidden, Invalid, parseOrThrow } from '../errors';
import { isUniqueViolation } from '../store/db';
import type { AlertDelivery } from './alert-delivery';
import { checkAlertFunction, checkWebhookHost } from './alert-targets';
import { toAlert, type BudgetFields, type BudgetRow, type BudgetStore } from './budget-store';
import type { AlertFunctionRuns } from './alert-functions';
import type { AlertFunctions, SecretSealer } from './ports';
import { dayOf, forecastHistoryFrom, monthForecast } from './queries';
import { iso } from './sources';

const DAY_MS = 86_400_000;

export interface BudgetsOptions {
  store: BudgetStore;
  delivery: AlertDelivery;
  /** Runs the org's functions with an alert as their event (showback/budget.threshold). */
  functionRuns: Pick<AlertFunctionRuns, 'kick'>;
  /** Checks a budget's named function against the org's functions. */
  functions: Pick<AlertFunctions, 'check'>;
  sealer: SecretSealer;
  /** Hosts a budget's webhook may name (SHOWBACK_WEBHOOK_ALLOWED_HOSTS). */
  webhookHosts: string[];
  /** The org's currency (that of its latest cost), the default of a new budget. */
  currencyOf: (org: string) => Promise<string>;
  log: Logger;
  now?: () => Date;
}

/** A budget's fields as given, before its references are checked. */
interface BudgetInput {
  name: string;
  amount: number;
  currency: string;
  service?: string | null;
  vappId?: string | null;
  thresholds: BudgetFields['thresholds'];
  webhookUrl?: string | null;
  function?: string | null;
}

/** Who asks: the provider may set budgets a tenant only reads. */
export interface Caller {
  isProvider: boolean;
}

const pct = (part: number, whole: number) => Math.round((part / whole) * 1000) / 10;

/**
 * Budgets (monthly, per org, optionally per service or vApp), their state against actual and forecast spend, and
 * the check that records an alert once per threshold and period and hands it to the webhook delivery.
 */
export class Budgets {
  constructor(private readonly options: BudgetsOptions) {}

  private get now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Month to date and forecast in the budget's scope, by the dashboard's own reckoning (queries.monthForecast). */
  async state(b: BudgetRow, recorded?: Map<string, string>): Promise<BudgetState> {
    const now = this.now;
    const from = forecastHistoryFrom(now);
    const today = dayOf(now);
    const costs = await this.options.store.dailyInScope(b, from, today);
    const days: { day: string; total: number }[] = [];
    for (let t = Date.parse(from); t <= Date.parse(today); t += DAY_MS) {
      const day = dayOf(new Date(t));
      days.push({ day, total: costs.get(day) ?? 0 });
    }
    const { monthToDate, forecast } = monthForecast(days, now);
    const period = today.slice(0, 7);
    const alerts = recorded ?? (await this.options.store.alertsOf(b.org, b.id, period));
    const amount = Number(b.amount);
    return {
      period,
      spent: monthToDate,
      forecast: forecast.value,
      spentPct: pct(monthToDate, amount),
      forecastPct: pct(forecast.value, amount),
      thresholds: b.thresholds.map((t) => {
        const at = Math.round((amount * t.percent) / 100);
        const value = t.type === 'actual' ? monthToDate : forecast.value;
        return { ...t, at, crossed: value >= at, alertId: alerts.get(`${t.type}:${t.percent}`) ?? null };
      }),
    };
  }

  private async view(b: BudgetRow, caller: Caller): Promise<Budget> {
    return {
      id: b.id,
      org: b.org,
      name: b.name,
      amount: Number(b.amount),
      currency: b.currency,
      period: 'monthly',
      service: b.service,
      vappId: b.vapp_id,
      thresholds: b.thresholds,
      webhookUrl: b.webhook_url,
      function: b.function_name,
      providerOwned: b.provider_owned,
      editable: caller.isProvider || !b.provider_owned,
      createdAt: iso(b.created_at),
      updatedAt: iso(b.updated_at),
      state: await this.state(b),
    };
  }

  async list(org: string, caller: Caller): Promise<{ items: Budget[]; total: number }> {
    const items = await Promise.all((await this.options.store.list(org)).map((b) => this.view(b, caller)));
    return { items, total: items.length };
  }

  async get(org: string, id: string, caller: Caller): Promise<Budget> {
    return this.view(await this.options.store.get(org, id), caller);
  }

  /** A budget the provider created is the provider's: a tenant reads it only. */
  async create(org: string, body: unknown, caller: Caller): Promise<Budget & { webhookSecret?: string }> {
    const input = parseOrThrow(CreateBudgetSchema, body, 'invalid budget');
    const fields = await this.checked(org, { ...input, currency: input.currency ?? (await this.options.currencyOf(org)) });
    const row = await this.options.store.insert(randomUUID(), org, fields, caller.isProvider).catch((err: unknown) => {
      throw isUniqueViolation(err) ? new Conflict(`a budget named "${fields.name}" exists`, [{ path: 'name', message: 'is taken' }]) : err;
    });
    const webhookSecret = fields.webhookUrl ? await this.ensureSecret(org) : undefined;
    return { ...(await this.view(row, caller)), ...(webhookSecret ? { webhookSecret } : {}) };
  }

  async update(org: string, id: string, body: unknown, caller: Caller): Promise<Budget & { webhookSecret?: string }> {
    const patch = parseOrThrow(UpdateBudgetSchema, body, 'invalid budget');
    const row = await this.options.store.get(org, id);
    this.mayChange(row, caller);
    const merged = {
      name: patch.name ?? row.name,
      amount: patch.amount ?? Number(row.amount),
      currency: patch.currency ?? row.currency,
      service: patch.service === undefined ? row.service : patch.service,
      vappId: patch.vappId === undefined ? row.vapp_id : patch.vappId,
      thresholds: patch.thresholds ?? row.thresholds,
      webhookUrl: patch.webhookUrl === undefined ? row.webhook_url : patch.webhookUrl,
      function: patch.function === undefined ? row.function_name : patch.function,
    };
    const fields = await this.checked(org, merged);
    const updated = await this.options.store.update(org, id, fields).catch((err: unknown) => {
      throw isUniqueViolation(err) ? new Conflict(`a budget named "${fields.name}" exists`, [{ path: 'name', message: 'is taken' }]) : err;
    });
    const webhookSecret = fields.webhookUrl ? await this.ensureSecret(org) : undefined;
    return { ...(await this.view(updated, caller)), ...(webhookSecret ? { webhookSecret } : {}) };
  }

  async delete(org: string, id: string, caller: Caller): Promise<void> {
    const row = await this.options.store.get(org, id);
    this.mayChange(row, caller);
    await this.options.store.delete(org, id);
  }

  private mayChange(row: BudgetRow, caller: Caller): void {
    if (row.provider_owned && !caller.isProvider) {
      throw new Forbidden(`budget "${row.name}" was set by the provider: only the provider may change or delete it`);
    }
  }

  /** References and hosts checked before anything is stored (400 naming the field). */
  private async checked(org: string, f: BudgetInput): Promise<BudgetFields> {
    const { store, webhookHosts } = this.options;
    const service = f.service ?? null;
    const vappId = f.vappId ?? null;
    if (service && vappId) throw new Invalid('a budget is for one service or one vApp, not both', [{ path: 'vappId', message: 'not together with service' }]);
    if (service && !(KNOWN_SERVICES as readonly string[]).includes(service) && !(await store.hasService(org, service))) {
      throw new Invalid(`service "${service}" does not exist in this organization`, [{ path: 'service', message: `no service "${service}": not a known service and no cost of this organization names it` }]);
    }
    if (vappId && !(await store.hasVapp(org, vappId))) {
      throw new Invalid(`vApp "${vappId}" does not exist in this organization's costs`, [{ path: 'vappId', message: `no vApp "${vappId}" among this organization's costs` }]);
    }
    const webhookUrl = f.webhookUrl ?? null;
    if (webhookUrl) checkWebhookHost(webhookUrl, webhookHosts);
    const functionName = f.function ?? null;
    if (functionName) await checkAlertFunction(this.options.functions, org, functionName, BUDGET_THRESHOLD_EVENT);
    return { name: f.name, amount: f.amount, currency: f.currency, service, vappId, thresholds: f.thresholds, webhookUrl, functionName };
  }

  /** The org's webhook secret, made now when it has none: returned only then (shown once; the anomaly settings too). */
  async ensureSecret(org: string): Promise<string | undefined> {
    const secret = randomBytes(32).toString('hex');
    const stored = await this.options.store.putWebhookSecret(org, this.options.sealer.seal(secret), false);
    return stored ? secret : undefined;
  }

  /** A new signing secret for the org, shown this once; deliveries from now on are signed with it. */
  async rotateSecret(org: string): Promise<WebhookSecret> {
    const secret = randomBytes(32).toString('hex');
    await this.options.store.putWebhookSecret(org, this.options.sealer.seal(secret), true);
    return { secret, signature: 'X-Showback-Signature: sha256=hex(HMAC-SHA256(secret, X-Showback-Timestamp + "." + body))' };
  }

  /** Checks the org's budgets: an alert per crossed threshold, recorded once per period; returns those recorded now. */
  async check(org: string): Promise<BudgetCheckResult> {
    const { store } = this.options;
    const budgets = await store.list(org);
    const recorded: Alert[] = [];
    for (const b of budgets) {
      const state = await this.state(b);
      for (const t of state.thresholds) {
        if (!t.crossed || t.alertId) continue;
        const row = await store.recordAlert({
          id: randomUUID(),
          org,
          budget_id: b.id,
          budget_name: b.name,
          period: state.period,
          type: t.type,
          percent: t.percent,
          threshold: t.at,
          value: t.type === 'actual' ? state.spent : state.forecast,
          amount: Number(b.amount),
          currency: b.currency,
          webhook_url: b.webhook_url,
          function_name: b.function_name,
        });
        if (row) recorded.push(toAlert(row));
      }
    }
    if (recorded.some((a) => a.delivery.state === 'pending')) this.options.delivery.kick();
    if (recorded.length) this.options.functionRuns.kick();
    return { checked: budgets.length, alerts: recorded };
  }

  /** The scheduled check: every org with a budget, then whatever delivery is due (retries after a restart). */
  async checkAll(): Promise<void> {
    for (const org of await this.options.store.orgs()) {
      await this.check(org).catch((err: Error) => this.options.log.warn({ org, err: err.message }, 'showback budget check failed'));
    }
    this.options.delivery.kick();
    this.options.functionRuns.kick();
  }

  async alerts(org: string, limit: number): Promise<{ items: Alert[]; total: number }> {
    const { rows, total } = await this.options.store.alerts(org, limit);
    return { items: rows.map(toAlert), total };
  }

  async alert(org: string, id: string): Promise<AlertDetail> {
    const row = await this.options.store.alert(org, id);
    return { ...toAlert(row), deliveries: await this.options.store.deliveries(row.id) };
  }
}
