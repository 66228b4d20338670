import type { Db } from '../server/store/db';

/**
 * Issue 16 growth: an org's usage rows made inside the database (INSERT … SELECT generate_series, no round trip per
 * batch), in the real schema (migrations 020-024, 066-067), and the rollups the product keeps in step with them
 * (server/showback/store.ts) built from those rows by the same grouping, as migration 022 backfills its vApp rollup.
 *
 * Shape: `days` days ending today (UTC), the same resources every day (one VM cost record per resource and day),
 * ten VMs per vApp, five services. More rows means more VMs and vApps, as an org grows: 1 M rows over 240 days is
 * 4 167 VMs in 417 vApps, 10 M is 41 667 VMs in 4 167 vApps.
 */
export const GROWTH_SOURCE = 'bench-growth';
const CHUNK = 1_000_000;

const COSTS_SQL = `
INSERT INTO showback_costs (org, source_id, natural_key, period_start, period_end, resource_kind, resource_id,
    resource_name, vapp_id, vapp_name, service, metric, quantity, unit, cost, currency)
SELECT $1, '${GROWTH_SOURCE}', 'vm-' || r, ts, ts + interval '1 day', 'vm', 'urn:vcloud:vm:' || r, 'vm-' || r,
       'urn:vcloud:vapp:' || (r / 10), 'vapp-' || (r / 10),
       (ARRAY['compute', 'storage', 'network', 'functions', 'backup'])[r % 5 + 1], '', 24, 'hour',
       50 + ((r * 7919 + d) % 400), 'EUR'
  FROM generate_series($2::bigint, $3::bigint) AS i,
       LATERAL (SELECT (i / $4)::int AS d, (i % $4)::int AS r) AS k,
       LATERAL (SELECT $5::timestamptz - (($6::int - 1 - d) * interval '1 day') AS ts) AS t`;

const ROLLUPS_SQL = [
  `INSERT INTO showback_daily (org, day, service, source_id, currency, cost)
   SELECT org, (period_start AT TIME ZONE 'UTC')::date, service, source_id, currency, SUM(cost)
     FROM showback_costs WHERE org = $1 AND source_id = '${GROWTH_SOURCE}'
    GROUP BY org, (period_start AT TIME ZONE 'UTC')::date, service, source_id, currency`,
  `INSERT INTO showback_monthly (org, month, service, source_id, currency, cost)
   SELECT org, month, service, source_id, currency, SUM(cost) FROM (
     SELECT org, date_trunc('month', day)::date AS month, service, source_id, currency, cost FROM showback_daily
      WHERE org = $1 AND source_id = '${GROWTH_SOURCE}') m
    GROUP BY org, month, service, source_id, currency`,
  `INSERT INTO showback_daily_vapp (org, day, vapp_id, source_id, currency, vapp_name, cost)
   SELECT org, (period_start AT TIME ZONE 'UTC')::date, vapp_id, source_id, currency, MAX(vapp_name), SUM(cost)
     FROM showback_costs WHERE org = $1 AND source_id = '${GROWTH_SOURCE}' AND vapp_id <> ''
    GROUP BY org, (period_start AT TIME ZONE 'UTC')::date, vapp_id, source_id, currency`,
  `INSERT INTO showback_monthly_vapp (org, month, vapp_id, source_id, currency, vapp_name, cost)
   SELECT org, date_trunc('month', day)::date, vapp_id, source_id, currency, MAX(vapp_name), SUM(cost)
     FROM showback_daily_vapp WHERE org = $1 AND source_id = '${GROWTH_SOURCE}'
    GROUP BY org, date_trunc('month', day)::date, vapp_id, source_id, currency`,
];

export interface FillShape {
  org: string;
  rows: number;
  days: number;
  /** Midnight UTC of the last day. */
  today: Date;
}

/** Fills the org's costs and rollups; `progress` hears the rows written so far. Returns the vApp count. */
export async function fillUsage(db: Db, shape: FillShape, progress: (rows: number) => void = () => undefined): Promise<{ vapps: number }> {
  const perDay = Math.ceil(shape.rows / shape.days);
  // Indexes built once over the filled table instead of kept in step row by row (several times faster at 10 M).
  await db.exec('ALTER TABLE showback_costs DROP CONSTRAINT showback_costs_pkey; DROP INDEX showback_costs_period');
  for (let first = 0; first < shape.rows; first += CHUNK) {
    const last = Math.min(shape.rows, first + CHUNK) - 1;
    await db.query(COSTS_SQL, [shape.org, first, last, perDay, shape.today.toISOString(), shape.days]);
    progress(last + 1);
  }
  await db.exec(`ALTER TABLE showback_costs ADD PRIMARY KEY (org, source_id, natural_key, period_start);
    CREATE INDEX showback_costs_period ON showback_costs (org, period_start)`);
  for (const sql of ROLLUPS_SQL) await db.query(sql, [shape.org]);
  await db.exec('ANALYZE showback_costs; ANALYZE showback_daily; ANALYZE showback_monthly; ANALYZE showback_daily_vapp; ANALYZE showback_monthly_vapp');
  return { vapps: Math.ceil(perDay / 10) };
}
