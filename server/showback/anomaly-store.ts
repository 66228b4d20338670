import type { Anomaly as AnomalyView } from '../../contract/showback-anomalies';
import type { Queryable } from '../store/db';
import type { Anomaly } from './anomalies';
import { numOrNull, type AlertRow } from './budget-store';
import { iso } from './sources';

/** The SQL of cost anomalies, their alerts and the org's anomaly alert settings (migration 025); every statement names the org. */

interface AnomalyRow {
  id: string;
  org: string;
  day: string;
  service: string;
  currency: string;
  cost: string | number;
  expected: string | number;
  low: string | number;
  high: string | number;
  delta: string | number;
  vapp_id: string | null;
  vapp_name: string | null;
  vapp_delta: string | number | null;
  created_at: Date | string;
  alert_id: string | null;
}

/** An anomaly as the check found it, with its driver vApp's name. */
export type FoundAnomaly = Anomaly & { org: string; currency: string; vappName: string | null };

export interface AnomalySettingsRow {
  webhook_url: string | null;
  function_name: string | null;
}

export const toAnomaly = (r: AnomalyRow): AnomalyView => ({
  id: r.id,
  org: r.org,
  day: String(r.day).slice(0, 10),
  service: r.service,
  currency: r.currency,
  cost: Number(r.cost),
  expected: Number(r.expected),
  low: Number(r.low),
  high: Number(r.high),
  delta: Number(r.delta),
  vappId: r.vapp_id,
  vappName: r.vapp_name,
  vappDelta: numOrNull(r.vapp_delta),
  createdAt: iso(r.created_at),
  alertId: r.alert_id,
});

const SELECT = `SELECT a.*, a.day::text AS day, al.id AS alert_id FROM showback_anomalies a LEFT JOIN showback_alerts al ON al.anomaly_id = a.id`;

export class AnomalyStore {
  constructor(private readonly db: Queryable) {}

  /** Every org with cost since `from` (the scheduled check). */
  async orgs(from: string): Promise<string[]> {
    const { rows } = await this.db.query<{ org: string }>('SELECT DISTINCT org FROM showback_daily WHERE day >= $1::date ORDER BY org', [from]);
    return rows.map((r) => r.org);
  }

  /** The org's cost per day and service from..to (inclusive) in the currency, days without cost left out. */
  async dailyByService(org: string, currency: string, from: string, to: string): Promise<{ day: string; service: string; cost: number }[]> {
    const { rows } = await this.db.query<{ day: string; service: string; cost: string }>(
      `SELECT day::text AS day, service, SUM(cost) AS cost FROM showback_daily
        WHERE org = $1 AND currency = $2 AND day BETWEEN $3::date AND $4::date GROUP BY day, service`,
      [org, currency, from, to],
    );
    return rows.map((r) => ({ day: String(r.day).slice(0, 10), service: r.service, cost: Number(r.cost) }));
  }

  /** One service's cost per day and vApp from..to (the driver of a flagged day; '' for costs without a vApp). */
  async vappDays(org: string, service: string, currency: string, from: string, to: string): Promise<{ day: string; vappId: string; vappName: string; cost: number }[]> {
    const { rows } = await this.db.query<{ day: string; vapp_id: string; vapp_name: string; cost: string }>(
      `SELECT (period_start AT TIME ZONE 'UTC')::date::text AS day, vapp_id, MAX(vapp_name) AS vapp_name, SUM(cost) AS cost
         FROM showback_costs
        WHERE org = $1 AND service = $2 AND currency = $3
          AND period_start >= $4::date AND period_start < $5::date + 1
        GROUP BY 1, vapp_id`,
      [org, service, currency, from, to],
    );
    return rows.map((r) => ({ day: String(r.day).slice(0, 10), vappId: r.vapp_id, vappName: r.vapp_name, cost: Number(r.cost) }));
  }

  /** The anomalies already stored for the org from..to, by "day|service". */
  async storedKeys(org: string, from: string, to: string): Promise<Set<string>> {
    const { rows } = await this.db.query<{ day: string; service: string }>(
      'SELECT day::text AS day, service FROM showback_anomalies WHERE org = $1 AND day BETWEEN $2::date AND $3::date',
      [org, from, to],
    );
    return new Set(rows.map((r) => `${String(r.day).slice(0, 10)}|${r.service}`));
  }

  /** Stores the anomaly unless its org, day and service have one (the unique key decides); returns it when this call stored it. */
  async insert(id: string, a: FoundAnomaly): Promise<AnomalyView | undefined> {
    const { rows } = await this.db.query<AnomalyRow>(
      `INSERT INTO showback_anomalies (id, org, day, service, currency, cost, expected, low, high, delta, vapp_id, vapp_name, vapp_delta)
       VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (org, day, service) DO NOTHING RETURNING *, day::text AS day, NULL::text AS alert_id`,
      [id, a.org, a.day, a.service, a.currency, a.cost, a.expected, a.low, a.high, a.delta, a.vappId, a.vappName, a.vappDelta],
    );
    return rows[0] ? toAnomaly(rows[0]) : undefined;
  }

  async list(org: string, from: string, to: string): Promise<AnomalyView[]> {
    const { rows } = await this.db.query<AnomalyRow>(`${SELECT} WHERE a.org = $1 AND a.day BETWEEN $2::date AND $3::date ORDER BY a.day, a.service`, [org, from, to]);
    return rows.map(toAnomaly);
  }

  /** Anomalies stored without their alert (a replica that stopped between the two inserts): the check raises them again. */
  async withoutAlert(org: string, from: string, to: string): Promise<AnomalyView[]> {
    const { rows } = await this.db.query<AnomalyRow>(
      `${SELECT} WHERE a.org = $1 AND a.day BETWEEN $2::date AND $3::date AND al.id IS NULL ORDER BY a.day, a.service`,
      [org, from, to],
    );
    return rows.map(toAnomaly);
  }

  /** Records the anomaly's alert unless it has one (the unique anomaly_id decides); returns the row when this call recorded it. */
  async recordAlert(id: string, a: AnomalyView, target: AnomalySettingsRow): Promise<AlertRow | undefined> {
    const state = target.webhook_url ? 'pending' : 'none';
    const anomaly = { id: a.id, day: a.day, service: a.service, expected: a.expected, low: a.low, high: a.high, delta: a.delta, vappId: a.vappId, vappName: a.vappName, vappDelta: a.vappDelta };
    const { rows } = await this.db.query<AlertRow>(
      `INSERT INTO showback_alerts (id, org, kind, anomaly_id, anomaly, period, threshold, value, currency,
              webhook_url, delivery_state, next_attempt_at, function_name, function_state, function_next_at)
       VALUES ($1, $2, 'cost.anomaly', $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $10 = 'pending' THEN now() END, $11, 'pending', now())
       ON CONFLICT (anomaly_id) DO NOTHING RETURNING *`,
      [id, a.org, a.id, JSON.stringify(anomaly), a.day.slice(0, 7), a.delta < 0 ? a.low : a.high, a.cost, a.currency, target.webhook_url, state, target.function_name],
    );
    return rows[0];
  }

  async settings(org: string): Promise<AnomalySettingsRow> {
    const { rows } = await this.db.query<AnomalySettingsRow>('SELECT webhook_url, function_name FROM showback_anomaly_settings WHERE org = $1', [org]);
    return rows[0] ?? { webhook_url: null, function_name: null };
  }

  async putSettings(org: string, s: AnomalySettingsRow): Promise<void> {
    await this.db.query(
      `INSERT INTO showback_anomaly_settings (org, webhook_url, function_name) VALUES ($1, $2, $3)
       ON CONFLICT (org) DO UPDATE SET webhook_url = EXCLUDED.webhook_url, function_name = EXCLUDED.function_name, updated_at = now()`,
      [org, s.webhook_url, s.function_name],
    );
  }
}
