import type { Alert, AlertEvent, Delivery, Threshold } from '../../contract/showback-budgets';
import { NotFound } from '../errors';
import type { Queryable } from '../store/db';
import { iso, isoOrNull } from './sources';

/** The SQL of budgets, their alerts and webhook deliveries (migration 023); every statement names the org. */

export interface BudgetRow {
  id: string;
  org: string;
  name: string;
  amount: string | number;
  currency: string;
  service: string | null;
  vapp_id: string | null;
  thresholds: Threshold[];
  webhook_url: string | null;
  function_name: string | null;
  provider_owned: boolean;
  created_at: Date | string;
  updated_at: Date | string;
}

export interface BudgetFields {
  name: string;
  amount: number;
  currency: string;
  service: string | null;
  vappId: string | null;
  thresholds: Threshold[];
  webhookUrl: string | null;
  functionName: string | null;
}

export interface AlertRow {
  id: string;
  org: string;
  /** budget.threshold: the budget fields are set; cost.anomaly (migration 025): anomaly_id and anomaly are. */
  kind: Alert['kind'];
  budget_id: string | null;
  budget_name: string | null;
  period: string;
  type: Alert['type'];
  percent: number | null;
  threshold: string | number | null;
  value: string | number;
  amount: string | number | null;
  anomaly_id: string | null;
  anomaly: Alert['anomaly'];
  currency: string;
  created_at: Date | string;
  webhook_url: string | null;
  delivery_state: Alert['delivery']['state'];
  attempts: number;
  next_attempt_at: Date | string | null;
  last_error: string | null;
  function_name: string | null;
  function_state: Alert['functions']['state'];
  function_attempts: number;
  function_runs: string[];
  function_error: string | null;
}

export type NewAlert = Pick<AlertRow, 'id' | 'org' | 'period' | 'value' | 'currency' | 'webhook_url' | 'function_name'> & {
  budget_id: string;
  budget_name: string;
  type: NonNullable<Alert['type']>;
  percent: number;
  threshold: number;
  amount: number;
};

export const numOrNull = (v: string | number | null) => (v === null ? null : Number(v));

export const toAlert = (r: AlertRow): Alert => ({
  id: r.id,
  org: r.org,
  kind: r.kind,
  budgetId: r.budget_id,
  budgetName: r.budget_name,
  period: r.period,
  type: r.type,
  percent: numOrNull(r.percent),
  threshold: numOrNull(r.threshold),
  value: Number(r.value),
  amount: numOrNull(r.amount),
  anomaly: r.anomaly ?? null,
  currency: r.currency,
  createdAt: iso(r.created_at),
  delivery: { state: r.delivery_state, attempts: r.attempts, nextAttemptAt: isoOrNull(r.next_attempt_at), lastError: r.last_error },
  functions: { state: r.function_state, target: r.function_name, ran: r.function_runs ?? [], lastError: r.function_error },
});

/** The alert as its webhook and its functions get it: what happened, without how it is being delivered. */
export const plainAlert = (r: AlertRow): AlertEvent['alert'] => {
  const { delivery: _d, functions: _f, ...plain } = toAlert(r);
  return plain;
};

interface DeliveryRow {
  attempt: number;
  at: Date | string;
  url: string;
  status: number | null;
  error: string | null;
  duration_ms: number;
}

export class BudgetStore {
  constructor(private readonly db: Queryable) {}

  async list(org: string): Promise<BudgetRow[]> {
    return (await this.db.query<BudgetRow>('SELECT * FROM showback_budgets WHERE org = $1 ORDER BY name', [org])).rows;
  }

  /** Every org that has a budget (the scheduled check). */
  async orgs(): Promise<string[]> {
    return (await this.db.query<{ org: string }>('SELECT DISTINCT org FROM showback_budgets ORDER BY org')).rows.map((r) => r.org);
  }

  async get(org: string, id: string): Promise<BudgetRow> {
    const { rows } = await this.db.query<BudgetRow>('SELECT * FROM showback_budgets WHERE org = $1 AND id = $2', [org, id]);
    if (!rows[0]) throw new NotFound(`budget "${id}" does not exist in this organization`);
    return rows[0];
  }

  /** Throws the store's unique violation when the org has a budget of that name. */
  async insert(id: string, org: string, f: BudgetFields, providerOwned: boolean): Promise<BudgetRow> {
    const { rows } = await this.db.query<BudgetRow>(
      `INSERT INTO showback_budgets (id, org, name, amount, currency, service, vapp_id, thresholds, webhook_url, provider_owned, function_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
      [id, org, f.name, f.amount, f.currency, f.service, f.vappId, JSON.stringify(f.thresholds), f.webhookUrl, providerOwned, f.functionName],
    );
    return rows[0];
  }

  async update(org: string, id: string, f: BudgetFields): Promise<BudgetRow> {
    const { rows } = await this.db.query<BudgetRow>(
      `UPDATE showback_budgets SET name = $3, amount = $4, currency = $5, service = $6, vapp_id = $7, thresholds = $8,
              webhook_url = $9, function_name = $10, updated_at = now()
        WHERE org = $1 AND id = $2 RETURNING *`,
      [org, id, f.name, f.amount, f.currency, f.service, f.vappId, JSON.stringify(f.thresholds), f.webhookUrl, f.functionName],
    );
    return rows[0];
  }

  async delete(org: string, id: string): Promise<void> {
    await this.db.query('DELETE FROM showback_budgets WHERE org = $1 AND id = $2', [org, id]);
  }

  /** Whether the org has any cost for the service / the vApp (a budget for a name it never used is a typo). */
  async hasService(org: string, service: string): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM showback_monthly WHERE org = $1 AND service = $2 LIMIT 1', [org, service]);
    return rows.length > 0;
  }

  async hasVapp(org: string, vappId: string): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM showback_daily_vapp WHERE org = $1 AND vapp_id = $2 LIMIT 1', [org, vappId]);
    return rows.length > 0;
  }

  /** Daily cost in the budget's scope from..to (inclusive), days without cost left out. */
  async dailyInScope(b: BudgetRow, from: string, to: string): Promise<Map<string, number>> {
    const [table, filter, args] = b.vapp_id
      ? ['showback_daily_vapp', 'AND vapp_id = $5', [b.vapp_id]]
      : b.service
        ? ['showback_daily', 'AND service = $5', [b.service]]
        : ['showback_daily', '', []];
    const { rows } = await this.db.query<{ day: string; cost: string }>(
      `SELECT day::text AS day, SUM(cost) AS cost FROM ${table}
        WHERE org = $1 AND currency = $2 AND day BETWEEN $3::date AND $4::date ${filter} GROUP BY day`,
      [b.org, b.currency, from, to, ...args],
    );
    return new Map(rows.map((r) => [String(r.day).slice(0, 10), Number(r.cost)]));
  }

  /**
   * Records the alert unless this threshold already has one this period (the unique key decides, across replicas
   * and restarts). Returns the row when this call recorded it.
   */
  async recordAlert(a: NewAlert): Promise<AlertRow | undefined> {
    const state = a.webhook_url ? 'pending' : 'none';
    const { rows } = await this.db.query<AlertRow>(
      `INSERT INTO showback_alerts (id, org, budget_id, budget_name, period, type, percent, threshold, value, amount, currency,
              webhook_url, delivery_state, next_attempt_at, function_name, function_state, function_next_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, CASE WHEN $13 = 'pending' THEN now() END, $14, 'pending', now())
       ON CONFLICT (budget_id, period, type, percent) DO NOTHING RETURNING *`,
      [a.id, a.org, a.budget_id, a.budget_name, a.period, a.type, a.percent, a.threshold, a.value, a.amount, a.currency, a.webhook_url, state, a.function_name],
    );
    return rows[0];
  }

  /** The alerts already recorded for a budget this period, by "type:percent". */
  async alertsOf(org: string, budgetId: string, period: string): Promise<Map<string, string>> {
    const { rows } = await this.db.query<{ id: string; type: string; percent: number }>(
      'SELECT id, type, percent FROM showback_alerts WHERE org = $1 AND budget_id = $2 AND period = $3',
      [org, budgetId, period],
    );
    return new Map(rows.map((r) => [`${r.type}:${Number(r.percent)}`, r.id]));
  }

  async alerts(org: string, limit: number): Promise<{ rows: AlertRow[]; total: number }> {
    const { rows } = await this.db.query<AlertRow>('SELECT * FROM showback_alerts WHERE org = $1 ORDER BY created_at DESC, id LIMIT $2', [org, limit]);
    const { rows: n } = await this.db.query<{ n: string }>('SELECT COUNT(*) AS n FROM showback_alerts WHERE org = $1', [org]);
    return { rows, total: Number(n[0].n) };
  }

  async alert(org: string, id: string): Promise<AlertRow> {
    const { rows } = await this.db.query<AlertRow>('SELECT * FROM showback_alerts WHERE org = $1 AND id = $2', [org, id]);
    if (!rows[0]) throw new NotFound(`alert "${id}" does not exist in this organization`);
    return rows[0];
  }

  async deliveries(alertId: string): Promise<Delivery[]> {
    const { rows } = await this.db.query<DeliveryRow>('SELECT * FROM showback_alert_deliveries WHERE alert_id = $1 ORDER BY attempt', [alertId]);
    return rows.map((r) => ({ attempt: r.attempt, at: iso(r.at), url: r.url, status: r.status, error: r.error, durationMs: r.duration_ms }));
  }

  /**
   * Claims alerts whose delivery is due: each is pushed `holdMs` into the future first, so another replica's claim
   * skips it while this one sends (a replica dying mid-send leaves it due again after the hold).
   */
  async claimDue(holdMs: number, limit = 20): Promise<AlertRow[]> {
    const { rows } = await this.db.query<AlertRow>(
      `UPDATE showback_alerts SET next_attempt_at = now() + make_interval(secs => $1::double precision / 1000)
        WHERE id IN (SELECT id FROM showback_alerts WHERE delivery_state = 'pending' AND next_attempt_at <= now()
                      ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [holdMs, limit],
    );
    return rows;
  }

  /**
   * Milliseconds until the soonest pending webhook delivery (`deliveries`) or function hand-over (`functions`) is due,
   * 0 when one is due now, null when none is pending. A claim skips rows another claim holds locked for that moment
   * (the webhook's and the functions' claims lock the same alert row), so an empty claim does not mean nothing is due.
   */
  async nextDueInMs(of: 'deliveries' | 'functions'): Promise<number | null> {
    const [state, at] = of === 'deliveries' ? ['delivery_state', 'next_attempt_at'] : ['function_state', 'function_next_at'];
    // Not GREATEST(0, ...) in SQL: it skips a NULL, so "nothing pending" read as "due now" and both loops polled forever.
    const sql = `SELECT EXTRACT(EPOCH FROM (min(${at}) - now())) * 1000 AS ms FROM showback_alerts WHERE ${state} = 'pending'`;
    const ms = (await this.db.query<{ ms: number | string | null }>(sql)).rows[0]?.ms;
    return ms === null || ms === undefined ? null : Math.max(0, Number(ms));
  }

  /** Journals one attempt and moves the alert's delivery state: delivered, due again after `retryInMs`, or failed. */
  async recordAttempt(alert: AlertRow, d: Omit<Delivery, 'at' | 'attempt'>, outcome: { ok: boolean; retryInMs: number | null }): Promise<void> {
    const attempt = alert.attempts + 1;
    await this.db.query(
      'INSERT INTO showback_alert_deliveries (alert_id, attempt, url, status, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
      [alert.id, attempt, d.url, d.status, d.error, d.durationMs],
    );
    const state = outcome.ok ? 'delivered' : outcome.retryInMs === null ? 'failed' : 'pending';
    await this.db.query(
      `UPDATE showback_alerts SET attempts = $3, delivery_state = $4, last_error = $5,
              next_attempt_at = CASE WHEN $4 = 'pending' THEN now() + make_interval(secs => $6::double precision / 1000) END
        WHERE org = $1 AND id = $2`,
      [alert.org, alert.id, attempt, state, outcome.ok ? null : d.error, outcome.retryInMs ?? 0],
    );
  }

  /** Claims alerts whose functions are due to run, held `holdMs` (as claimDue does for the webhook). */
  async claimFunctionsDue(holdMs: number, limit = 20): Promise<AlertRow[]> {
    const { rows } = await this.db.query<AlertRow>(
      `UPDATE showback_alerts SET function_next_at = now() + make_interval(secs => $1::double precision / 1000)
        WHERE id IN (SELECT id FROM showback_alerts WHERE function_state = 'pending' AND function_next_at <= now()
                      ORDER BY function_next_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [holdMs, limit],
    );
    return rows;
  }

  /** Adds the functions that ran; done, pending again after `retryInMs`, or failed. */
  async recordFunctions(alert: AlertRow, ran: string[], outcome: { state: 'done' | 'pending' | 'failed'; retryInMs: number; error: string | null }): Promise<void> {
    await this.db.query(
      `UPDATE showback_alerts SET function_attempts = function_attempts + 1, function_state = $3, function_error = $4,
              function_runs = (SELECT COALESCE(jsonb_agg(DISTINCT n ORDER BY n), '[]'::jsonb) FROM jsonb_array_elements_text(function_runs || $5::jsonb) AS n),
              function_next_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $6::double precision / 1000) END
        WHERE org = $1 AND id = $2`,
      [alert.org, alert.id, outcome.state, outcome.error, JSON.stringify(ran), outcome.retryInMs],
    );
  }

  async webhookSecret(org: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ sealed: string }>('SELECT sealed FROM showback_webhook_secrets WHERE org = $1', [org]);
    return rows[0]?.sealed;
  }

  /** Stores the org's sealed secret; `replace` false keeps one that exists (returns whether this call stored it). */
  async putWebhookSecret(org: string, sealed: string, replace: boolean): Promise<boolean> {
    const { rows } = await this.db.query(
      `INSERT INTO showback_webhook_secrets (org, sealed) VALUES ($1, $2)
       ON CONFLICT (org) DO ${replace ? 'UPDATE SET sealed = EXCLUDED.sealed, created_at = now()' : 'NOTHING'} RETURNING org`,
      [org, sealed],
    );
    return rows.length > 0;
  }
}
